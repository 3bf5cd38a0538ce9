// Eddy's window onto Linux io_uring through liburing. The ring stays opaque to Swift: the loop
// queues poll requests, submits them and waits in one call, then reaps completions in a batch.
// Elsewhere every function fails with -ENOSYS.
#ifndef C_EDDY_URING_H
#define C_EDDY_URING_H

#include <stdint.h>

/// One io_uring instance: its submission and completion queues.
typedef struct eddy_ring eddy_ring;

/// One reaped completion: the request's tag and its result (a poll mask, or -errno).
typedef struct eddy_completion {
  uint64_t user_data;
  int32_t result;
} eddy_completion;

/// Creates a ring with `entries` submission slots and `completion_entries` completion slots;
/// returns 0 and stores it in `*ring`, or -errno (EPERM where io_uring is disabled or filtered,
/// ENOSYS where the kernel has none).
int eddy_ring_create(unsigned entries, unsigned completion_entries, eddy_ring **ring);

/// Tears the ring down (cancelling whatever is still in flight) and frees it.
void eddy_ring_destroy(eddy_ring *ring);

/// Queues a one-shot poll of `fd` for `mask` (POLLIN, POLLOUT), tagged `user_data`; submits what
/// is queued first when the submission queue is full. Returns 0 or -errno.
int eddy_ring_poll_add(eddy_ring *ring, int fd, unsigned mask, uint64_t user_data);

/// Queues the cancellation of the poll tagged `target`; the cancellation's own completion is
/// tagged `user_data`. Returns 0 or -errno.
int eddy_ring_poll_remove(eddy_ring *ring, uint64_t target, uint64_t user_data);

/// Submits what is queued without waiting. Returns 0 or -errno.
int eddy_ring_submit(eddy_ring *ring);

/// Submits what is queued and waits until a completion is there, for at most `timeout_ns`
/// nanoseconds (negative: no limit; 0: no wait). One `io_uring_enter`, none when completions
/// are already waiting and nothing is queued. Returns 0 (also after a timeout or a signal) or
/// -errno.
int eddy_ring_submit_and_wait(eddy_ring *ring, int64_t timeout_ns);

/// Moves up to `capacity` completions into `out` and frees their slots; returns how many.
unsigned eddy_ring_reap(eddy_ring *ring, eddy_completion *out, unsigned capacity);

#endif
