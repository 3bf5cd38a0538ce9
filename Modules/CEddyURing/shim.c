#include "CEddyURing.h"

#include <errno.h>
#include <stdlib.h>

#ifdef __linux__
#include <liburing.h>

struct eddy_ring {
  struct io_uring ring;
};

int eddy_ring_create(unsigned entries, unsigned completion_entries, eddy_ring **out) {
  eddy_ring *ring = calloc(1, sizeof(*ring));
  if (ring == NULL) return -ENOMEM;
  struct io_uring_params params = {0};
  params.flags = IORING_SETUP_CQSIZE;
  params.cq_entries = completion_entries;
  int result = io_uring_queue_init_params(entries, &ring->ring, &params);
  if (result < 0) {
    free(ring);
    return result;
  }
  *out = ring;
  return 0;
}

void eddy_ring_destroy(eddy_ring *ring) {
  io_uring_queue_exit(&ring->ring);
  free(ring);
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

int eddy_ring_poll_remove(eddy_ring *ring, uint64_t target, uint64_t user_data) {
  struct io_uring_sqe *sqe = free_slot(ring);
  if (sqe == NULL) return -errno;
  io_uring_prep_poll_remove(sqe, target);
  io_uring_sqe_set_data64(sqe, user_data);
  return 0;
}

int eddy_ring_submit(eddy_ring *ring) {
  int result = io_uring_submit(&ring->ring);
  return result < 0 ? result : 0;
}

int eddy_ring_submit_and_wait(eddy_ring *ring, int64_t timeout_ns) {
  int result;
  if (timeout_ns == 0 || io_uring_cq_ready(&ring->ring) > 0) {
    result = io_uring_submit(&ring->ring);
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
int eddy_ring_poll_remove(eddy_ring *ring, uint64_t target, uint64_t user_data) {
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
