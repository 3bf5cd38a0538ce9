#include "CEddyURing.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#ifdef __linux__
#include <liburing.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#include <sanitizer/tsan_interface.h>
#define EDDY_TSAN 1
#endif
#endif

/// liburing maps a ring's queues with raw system calls, which ThreadSanitizer does not see, and
/// the kernel often maps a new ring where an old one was: without a word, the new ring's loop
/// thread would seem to race with whichever thread last touched the old one. Every ring set up
/// comes after every ring torn down before it, which is what these two tell it.
static int ring_lifetimes;
static void ring_set_up_after_earlier_ones(void) {
#ifdef EDDY_TSAN
  __tsan_acquire(&ring_lifetimes);
#endif
}
static void ring_torn_down(void) {
#ifdef EDDY_TSAN
  __tsan_release(&ring_lifetimes);
#endif
}

struct eddy_ring {
  struct io_uring ring;
  /// Completions are posted only when the owning thread enters the kernel for them
  /// (IORING_SETUP_DEFER_TASKRUN), and the ring waits, disabled, for that thread's first wait.
  int deferred;
  int enabled;
  /// The provided-buffer ring and the buffers, once set up.
  struct io_uring_buf_ring *buffer_ring;
  uint8_t *buffers;
  unsigned buffer_count;
  unsigned buffer_size;
};

/// What a set-up thread is asked and answers.
struct ring_set_up {
  unsigned entries;
  unsigned completion_entries;
  eddy_ring *ring;
  int result;
};

/// Sets up `set_up->ring`, trying the cheapest completion mode first.
static void *set_up_ring(void *argument) {
  struct ring_set_up *set_up = argument;
  eddy_ring *ring = set_up->ring;
  ring_set_up_after_earlier_ones();
  // The kernel's completions cost least when they wait for the loop's own io_uring_enter
  // (Linux 6.1); before that, when they wait for its next system call (5.19); else plain.
  static const unsigned flag_sets[] = {
      IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_R_DISABLED,
      IORING_SETUP_COOP_TASKRUN,
      0,
  };
  int result = -EINVAL;
  for (unsigned index = 0; index < sizeof(flag_sets) / sizeof(flag_sets[0]); index++) {
    struct io_uring_params params = {0};
    params.flags = IORING_SETUP_CQSIZE | flag_sets[index];
    params.cq_entries = set_up->completion_entries;
    result = io_uring_queue_init_params(set_up->entries, &ring->ring, &params);
    if (result != -EINVAL) {
      ring->deferred = (flag_sets[index] & IORING_SETUP_DEFER_TASKRUN) != 0;
      ring->enabled = !ring->deferred;
      break;
    }
  }
  set_up->result = result;
  return NULL;
}

int eddy_ring_create(unsigned entries, unsigned completion_entries, eddy_ring **out) {
  eddy_ring *ring = calloc(1, sizeof(*ring));
  if (ring == NULL) return -ENOMEM;
  // The kernel ties a ring to the thread that sets it up, and when the ring is torn down it
  // interrupts that thread (task work with TWA_SIGNAL) to untie it: a blocking recv with a
  // timeout there returns EINTR. A thread that has ended by then is untied already, so the
  // ring is set up on one that ends at once; only the loop's own thread, which enters the
  // ring, is tied to it.
  struct ring_set_up set_up = {.entries = entries, .completion_entries = completion_entries, .ring = ring};
  pthread_t thread;
  int created = pthread_create(&thread, NULL, set_up_ring, &set_up);
  if (created != 0) {
    free(ring);
    return -created;
  }
  pthread_join(thread, NULL);
  if (set_up.result < 0) {
    free(ring);
    return set_up.result;
  }
  *out = ring;
  return 0;
}

void eddy_ring_destroy(eddy_ring *ring) {
  ring_torn_down();
  io_uring_queue_exit(&ring->ring);
  free(ring->buffer_ring);
  free(ring->buffers);
  free(ring);
}

int eddy_ring_setup_buffers(eddy_ring *ring, unsigned count, unsigned size, uint8_t **base) {
  if (ring->buffer_ring != NULL || count == 0 || count > 32768 || (count & (count - 1)) != 0) return -EINVAL;
  void *entries = NULL;
  if (posix_memalign(&entries, (size_t)sysconf(_SC_PAGESIZE), count * sizeof(struct io_uring_buf)) != 0)
    return -ENOMEM;
  uint8_t *buffers = malloc((size_t)count * size);
  if (buffers == NULL) {
    free(entries);
    return -ENOMEM;
  }
  struct io_uring_buf_ring *buffer_ring = entries;
  io_uring_buf_ring_init(buffer_ring);
  struct io_uring_buf_reg registration = {
      .ring_addr = (unsigned long)(uintptr_t)buffer_ring, .ring_entries = count, .bgid = 0};
  int result = io_uring_register_buf_ring(&ring->ring, &registration, 0);
  if (result < 0) {
    free(entries);
    free(buffers);
    return result;
  }
  int mask = io_uring_buf_ring_mask(count);
  for (unsigned id = 0; id < count; id++) {
    io_uring_buf_ring_add(buffer_ring, buffers + (size_t)id * size, size, (unsigned short)id, mask, (int)id);
  }
  io_uring_buf_ring_advance(buffer_ring, (int)count);
  ring->buffer_ring = buffer_ring;
  ring->buffers = buffers;
  ring->buffer_count = count;
  ring->buffer_size = size;
  *base = buffers;
  return 0;
}

void eddy_ring_recycle_buffers(eddy_ring *ring, const uint16_t *ids, unsigned count) {
  int mask = io_uring_buf_ring_mask(ring->buffer_count);
  for (unsigned index = 0; index < count; index++) {
    io_uring_buf_ring_add(ring->buffer_ring, ring->buffers + (size_t)ids[index] * ring->buffer_size,
                          ring->buffer_size, ids[index], mask, (int)index);
  }
  io_uring_buf_ring_advance(ring->buffer_ring, (int)count);
}

/// A free submission slot, submitting what is queued when there is none.
static struct io_uring_sqe *free_slot(eddy_ring *ring) {
  struct io_uring_sqe *sqe = io_uring_get_sqe(&ring->ring);
  if (sqe == NULL) {
    int result = io_uring_submit(&ring->ring);
    if (result < 0) {
      errno = -result;
      return NULL;
    }
    sqe = io_uring_get_sqe(&ring->ring);
    if (sqe == NULL) errno = EBUSY;
  }
  return sqe;
}

int eddy_ring_poll_add(eddy_ring *ring, int fd, unsigned mask, uint64_t user_data) {
  struct io_uring_sqe *sqe = free_slot(ring);
  if (sqe == NULL) return -errno;
  io_uring_prep_poll_add(sqe, fd, mask);
  io_uring_sqe_set_data64(sqe, user_data);
  return 0;
}

int eddy_ring_receive(eddy_ring *ring, int fd, uint64_t user_data) {
  struct io_uring_sqe *sqe = free_slot(ring);
  if (sqe == NULL) return -errno;
  io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = 0;
  io_uring_sqe_set_data64(sqe, user_data);
  return 0;
}

int eddy_ring_accept(eddy_ring *ring, int fd, uint64_t user_data) {
  struct io_uring_sqe *sqe = free_slot(ring);
  if (sqe == NULL) return -errno;
  io_uring_prep_multishot_accept(sqe, fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, user_data);
  return 0;
}

int eddy_ring_cancel(eddy_ring *ring, uint64_t target, uint64_t user_data) {
  struct io_uring_sqe *sqe = free_slot(ring);
  if (sqe == NULL) return -errno;
  io_uring_prep_cancel64(sqe, target, 0);
  io_uring_sqe_set_data64(sqe, user_data);
  return 0;
}

int eddy_ring_submit(eddy_ring *ring) {
  // Before its first wait a ring has nothing in flight to submit for.
  if (!ring->enabled) return 0;
  int result = io_uring_submit(&ring->ring);
  return result < 0 ? result : 0;
}

int eddy_ring_submit_and_wait(eddy_ring *ring, int64_t timeout_ns) {
  int result;
  if (!ring->enabled) {
    // The first wait's thread becomes the ring's only submitter.
    // io_uring_register(IORING_REGISTER_ENABLE_RINGS): liburing 2.3 declares no wrapper it exports.
    if (syscall(__NR_io_uring_register, ring->ring.ring_fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0) < 0)
      return -errno;
    ring->enabled = 1;
  }
  if (timeout_ns == 0 || io_uring_cq_ready(&ring->ring) > 0) {
    // Without waiting; a deferring ring posts its completions only now.
    result = ring->deferred ? io_uring_submit_and_get_events(&ring->ring) : io_uring_submit(&ring->ring);
  } else if (timeout_ns < 0) {
    result = io_uring_submit_and_wait(&ring->ring, 1);
  } else {
    struct __kernel_timespec timeout = {
        .tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000};
    struct io_uring_cqe *cqe;
    result = io_uring_submit_and_wait_timeout(&ring->ring, &cqe, 1, &timeout, NULL);
  }
  if (result == -ETIME || result == -EINTR) return 0;
  return result < 0 ? result : 0;
}

unsigned eddy_ring_reap(eddy_ring *ring, eddy_completion *out, unsigned capacity) {
  unsigned count = 0;
  unsigned head;
  struct io_uring_cqe *cqe;
  io_uring_for_each_cqe(&ring->ring, head, cqe) {
    if (count == capacity) break;
    out[count].user_data = io_uring_cqe_get_data64(cqe);
    out[count].result = cqe->res;
    out[count].flags = cqe->flags;
    count++;
  }
  io_uring_cq_advance(&ring->ring, count);
  return count;
}

#else

int eddy_ring_create(unsigned entries, unsigned completion_entries, eddy_ring **ring) {
  (void)entries;
  (void)completion_entries;
  (void)ring;
  return -ENOSYS;
}
void eddy_ring_destroy(eddy_ring *ring) { (void)ring; }
int eddy_ring_poll_add(eddy_ring *ring, int fd, unsigned mask, uint64_t user_data) {
  (void)ring;
  (void)fd;
  (void)mask;
  (void)user_data;
  return -ENOSYS;
}
int eddy_ring_setup_buffers(eddy_ring *ring, unsigned count, unsigned size, uint8_t **base) {
  (void)ring;
  (void)count;
  (void)size;
  (void)base;
  return -ENOSYS;
}
void eddy_ring_recycle_buffers(eddy_ring *ring, const uint16_t *ids, unsigned count) {
  (void)ring;
  (void)ids;
  (void)count;
}
int eddy_ring_receive(eddy_ring *ring, int fd, uint64_t user_data) {
  (void)ring;
  (void)fd;
  (void)user_data;
  return -ENOSYS;
}
int eddy_ring_accept(eddy_ring *ring, int fd, uint64_t user_data) {
  (void)ring;
  (void)fd;
  (void)user_data;
  return -ENOSYS;
}
int eddy_ring_cancel(eddy_ring *ring, uint64_t target, uint64_t user_data) {
  (void)ring;
  (void)target;
  (void)user_data;
  return -ENOSYS;
}
int eddy_ring_submit(eddy_ring *ring) {
  (void)ring;
  return -ENOSYS;
}
int eddy_ring_submit_and_wait(eddy_ring *ring, int64_t timeout_ns) {
  (void)ring;
  (void)timeout_ns;
  return -ENOSYS;
}
unsigned eddy_ring_reap(eddy_ring *ring, eddy_completion *out, unsigned capacity) {
  (void)ring;
  (void)out;
  (void)capacity;
  return 0;
}

#endif
