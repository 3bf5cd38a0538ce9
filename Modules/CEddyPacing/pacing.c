#include "CEddyPacing.h"

#include <errno.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/timerfd.h>
#include <time.h>

int eddy_pacing_timer_create(void) {
  return timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
}

int eddy_pacing_timer_arm(int fd, uint64_t deadline_ns) {
  struct itimerspec spec = {0};
  // A zero it_value would disarm the timer: the earliest deadline is 1 ns.
  uint64_t when = deadline_ns == 0 ? 1 : deadline_ns;
  spec.it_value.tv_sec = (time_t)(when / 1000000000u);
  spec.it_value.tv_nsec = (long)(when % 1000000000u);
  return timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL);
}

int eddy_pacing_timer_clear(int fd) {
  uint64_t expirations = 0;
  return read(fd, &expirations, sizeof expirations) == sizeof expirations ? 0 : -1;
}
#else
int eddy_pacing_timer_create(void) {
  errno = ENOSYS;
  return -1;
}

int eddy_pacing_timer_arm(int fd, uint64_t deadline_ns) {
  (void)fd;
  (void)deadline_ns;
  errno = ENOSYS;
  return -1;
}

int eddy_pacing_timer_clear(int fd) {
  (void)fd;
  errno = ENOSYS;
  return -1;
}
#endif
