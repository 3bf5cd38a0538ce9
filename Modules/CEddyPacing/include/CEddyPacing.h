// A precise one-shot timer as a pollable descriptor, for pacing open-loop load: Linux's
// timerfd, which Swift's Glibc module does not export. The event loop's own timers wake at
// millisecond granularity; a load generator's send schedule needs microseconds.
#ifndef C_EDDY_PACING_H
#define C_EDDY_PACING_H

#include <stdint.h>

/// Creates a non-blocking, close-on-exec timer descriptor on the monotonic clock; -1 with
/// errno set on failure or where timerfd does not exist.
int eddy_pacing_timer_create(void);

/// Arms the timer to fire once at `deadline_ns` on the monotonic clock (absolute); a deadline
/// already passed fires at once. Returns 0 or -1 with errno set.
int eddy_pacing_timer_arm(int fd, uint64_t deadline_ns);

/// Consumes the expiration so the descriptor stops being readable. Returns 0, or -1 when it
/// had not fired.
int eddy_pacing_timer_clear(int fd);

#endif
