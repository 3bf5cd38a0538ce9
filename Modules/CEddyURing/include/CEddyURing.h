// Eddy's window onto Linux io_uring through liburing. The ring stays opaque to Swift: the loop
// queues polls, receives and accepts, submits them and waits in one call, then reaps completions
// in a batch.
// Elsewhere every function fails with -ENOSYS.
#ifndef C_EDDY_URING_H
#define C_EDDY_URING_H

#include <stdint.h>

/// One io_uring instance: its submission and completion queues.
typedef struct eddy_ring eddy_ring;

/// One reaped completion: the request's tag, its result (a poll mask, bytes received, or
/// -errno) and the kernel's flags (IORING_CQE_F_MORE, IORING_CQE_F_BUFFER with the buffer's id
/// in the upper 16 bits).
typedef struct eddy_completion {
  uint64_t user_data;
  int32_t result;
  uint32_t flags;
} eddy_completion;

/// The completion flag: the request goes on and will complete again.
#define EDDY_COMPLETION_MORE 2u
/// The completion flag: a provided buffer holds the bytes; its id is `flags >> 16`.
#define EDDY_COMPLETION_BUFFER 1u

/// Creates a ring with `entries` submission slots and `completion_entries` completion slots;
/// returns 0 and stores it in `*ring`, or -errno (EPERM where io_uring is disabled or filtered,
/// ENOSYS where the kernel has none).
int eddy_ring_create(unsigned entries, unsigned completion_entries, eddy_ring **ring);

/// Tears the ring down (cancelling whatever is still in flight) and frees it.
void eddy_ring_destroy(eddy_ring *ring);

/// Queues a one-shot poll of `fd` for `mask` (POLLIN, POLLOUT), tagged `user_data`; submits what
/// is queued first when the submission queue is full. Returns 0 or -errno.
int eddy_ring_poll_add(eddy_ring *ring, int fd, unsigned mask, uint64_t user_data);

/// Registers `count` (a power of two, at most 32768) receive buffers of `size` bytes each as the
/// ring's provided-buffer group 0 and stores where they start in `*base` (buffer `id` is at
/// `*base + id * size`). Returns 0 or -errno (EINVAL, ENOSYS before Linux 5.19).
int eddy_ring_setup_buffers(eddy_ring *ring, unsigned count, unsigned size, uint8_t **base);

/// Gives `count` buffers, by id, back to the kernel for later receives.
void eddy_ring_recycle_buffers(eddy_ring *ring, const uint16_t *ids, unsigned count);

/// Queues a multishot receive on the socket `fd` into the provided buffers, tagged `user_data`:
/// it completes once per chunk received (with EDDY_COMPLETION_MORE while it goes on). Returns 0
/// or -errno.
int eddy_ring_receive(eddy_ring *ring, int fd, uint64_t user_data);

/// Queues a multishot accept on the listening socket `fd`, tagged `user_data`: it completes once
/// per connection accepted, with the new descriptor (non-blocking, close-on-exec) as the result
/// (with EDDY_COMPLETION_MORE while it goes on). Returns 0 or -errno.
int eddy_ring_accept(eddy_ring *ring, int fd, uint64_t user_data);

/// Queues the cancellation of the request tagged `target` (a poll, a receive or an accept); the
/// cancellation's own completion is tagged `user_data`. Returns 0 or -errno.
int eddy_ring_cancel(eddy_ring *ring, uint64_t target, uint64_t user_data);

/// Submits what is queued without waiting (nothing before the ring's first wait). Returns 0 or
/// -errno (EEXIST off the thread that waits on the ring).
int eddy_ring_submit(eddy_ring *ring);

/// Submits what is queued and waits until a completion is there, for at most `timeout_ns`
/// nanoseconds (negative: no limit; 0: no wait): one `io_uring_enter`. Where the kernel lets
/// completions wait for it (Linux 6.1), the thread of the first call becomes the only one that
/// may submit. Returns 0 (also after a timeout or a signal) or -errno.
int eddy_ring_submit_and_wait(eddy_ring *ring, int64_t timeout_ns);

/// Moves up to `capacity` completions into `out` and frees their slots; returns how many.
unsigned eddy_ring_reap(eddy_ring *ring, eddy_completion *out, unsigned capacity);

#endif
