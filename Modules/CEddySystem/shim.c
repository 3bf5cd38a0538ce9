#define _GNU_SOURCE
#include "CEddySystem.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <spawn.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int eddy_set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return -1;
  int fdflags = fcntl(fd, F_GETFD);
  if (fdflags < 0) return -1;
  return fcntl(fd, F_SETFD, fdflags | FD_CLOEXEC);
}

int eddy_get_flags(int fd) { return fcntl(fd, F_GETFL); }

int eddy_set_flags(int fd, int flags) { return fcntl(fd, F_SETFL, flags); }

int eddy_accept(int fd, struct sockaddr *addr, socklen_t *len) {
#ifdef __linux__
  return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
  int client = accept(fd, addr, len);
  if (client >= 0 && eddy_set_nonblocking(client) < 0) {
    int saved = errno;
    close(client);
    errno = saved;
    return -1;
  }
  return client;
#endif
}

int eddy_socket(int domain, int type, int protocol) {
#ifdef __linux__
  return socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
#else
  int fd = socket(domain, type, protocol);
  if (fd >= 0 && eddy_set_nonblocking(fd) < 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
#endif
}

int eddy_pipe(int fds[2]) {
#ifdef __linux__
  return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
#else
  if (pipe(fds) < 0) return -1;
  if (eddy_set_nonblocking(fds[0]) < 0 || eddy_set_nonblocking(fds[1]) < 0) {
    int saved = errno;
    close(fds[0]);
    close(fds[1]);
    errno = saved;
    return -1;
  }
  return 0;
#endif
}

/* One write end per signal number; read by the handler on whatever thread takes the signal,
   so each entry is a lock-free atomic (async-signal-safe, and visible across threads). */
static _Atomic int signal_fds[NSIG];

static void eddy_signal_handler(int signo) {
  int saved = errno;
  int fd = atomic_load_explicit(&signal_fds[signo], memory_order_acquire);
  if (fd >= 0) {
    unsigned char byte = (unsigned char)signo;
    ssize_t ignored = write(fd, &byte, 1);
    (void)ignored;
  }
  errno = saved;
}

int eddy_route_signal(int signo, int fd) {
  if (signo <= 0 || signo >= NSIG) {
    errno = EINVAL;
    return -1;
  }
  struct sigaction action;
  memset(&action, 0, sizeof(action));
  sigemptyset(&action.sa_mask);
  if (fd >= 0) {
    atomic_store_explicit(&signal_fds[signo], fd, memory_order_release);
    action.sa_handler = eddy_signal_handler;
    action.sa_flags = SA_RESTART;
  } else {
    action.sa_handler = SIG_DFL;
  }
  int result = sigaction(signo, &action, NULL);
  if (fd < 0) atomic_store_explicit(&signal_fds[signo], -1, memory_order_release);
  return result;
}

int eddy_pidfd_open(pid_t pid) {
#if defined(__linux__) && defined(SYS_pidfd_open)
  return (int)syscall(SYS_pidfd_open, pid, 0);
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

int eddy_ignore_sigpipe(void) {
  struct sigaction current;
  if (sigaction(SIGPIPE, NULL, &current) < 0) return -1;
  if (current.sa_handler != SIG_DFL) return 0;
  struct sigaction ignore;
  memset(&ignore, 0, sizeof(ignore));
  sigemptyset(&ignore.sa_mask);
  ignore.sa_handler = SIG_IGN;
  return sigaction(SIGPIPE, &ignore, NULL);
}

int eddy_dup_cloexec(int fd, int minimum) { return fcntl(fd, F_DUPFD_CLOEXEC, minimum); }

extern char **environ;

char **eddy_environment(void) { return environ; }

int eddy_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
#if (defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))) || defined(__APPLE__)
  return posix_spawn_file_actions_addchdir_np(actions, path);
#else
  (void)actions;
  (void)path;
  return ENOSYS;
#endif
}

int eddy_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#else
  (void)actions;
  (void)lowest;
  return ENOSYS;
#endif
}

#ifdef __linux__
_Static_assert(sizeof(struct eddy_mmsghdr) == sizeof(struct mmsghdr), "eddy_mmsghdr must match mmsghdr");
_Static_assert(offsetof(struct eddy_mmsghdr, msg_len) == offsetof(struct mmsghdr, msg_len),
               "eddy_mmsghdr must match mmsghdr");
#endif

int eddy_recvmmsg(int fd, struct eddy_mmsghdr *messages, unsigned int count) {
#ifdef __linux__
  return recvmmsg(fd, (struct mmsghdr *)messages, count, 0, NULL);
#else
  unsigned int received = 0;
  while (received < count) {
    ssize_t length = recvmsg(fd, &messages[received].msg_hdr, 0);
    if (length < 0) {
      if (errno == EINTR) continue;
      return received > 0 ? (int)received : -1;
    }
    messages[received].msg_len = (unsigned int)length;
    received += 1;
  }
  return (int)received;
#endif
}

int eddy_sendmmsg(int fd, struct eddy_mmsghdr *messages, unsigned int count) {
#ifdef __linux__
  return sendmmsg(fd, (struct mmsghdr *)messages, count, 0);
#else
  unsigned int sent = 0;
  while (sent < count) {
    ssize_t length = sendmsg(fd, &messages[sent].msg_hdr, 0);
    if (length < 0) {
      if (errno == EINTR) continue;
      return sent > 0 ? (int)sent : -1;
    }
    messages[sent].msg_len = (unsigned int)length;
    sent += 1;
  }
  return (int)sent;
#endif
}

static __thread void *current_loop;

void eddy_set_current_loop(void *loop) { current_loop = loop; }

void *eddy_current_loop(void) { return current_loop; }

void eddy_set_thread_name(const char *name) {
#if defined(__APPLE__)
  pthread_setname_np(name);
#else
  char truncated[16];
  strncpy(truncated, name, sizeof(truncated) - 1);
  truncated[sizeof(truncated) - 1] = 0;
  pthread_setname_np(pthread_self(), truncated);
#endif
}

long eddy_send_with_descriptors(int fd, const void *bytes, size_t count, const int *descriptors,
                                int descriptor_count) {
  if (descriptor_count < 0 || descriptor_count > EDDY_MAX_PASSED_DESCRIPTORS) {
    errno = EINVAL;
    return -1;
  }
  union {
    struct cmsghdr header;
    char space[CMSG_SPACE(sizeof(int) * EDDY_MAX_PASSED_DESCRIPTORS)];
  } control;
  memset(&control, 0, sizeof control);
  struct iovec vector = {.iov_base = (void *)bytes, .iov_len = count};
  struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1};
  if (descriptor_count > 0) {
    message.msg_control = control.space;
    message.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)descriptor_count);
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)descriptor_count);
    memcpy(CMSG_DATA(header), descriptors, sizeof(int) * (size_t)descriptor_count);
  }
#ifdef MSG_NOSIGNAL
  return sendmsg(fd, &message, MSG_NOSIGNAL);
#else
  return sendmsg(fd, &message, 0);
#endif
}

int eddy_duplicate(int fd) { return fcntl(fd, F_DUPFD_CLOEXEC, 0); }

long eddy_receive_with_descriptors(int fd, void *bytes, size_t count, int *descriptors,
                                   int *descriptor_count, int *truncated) {
  union {
    struct cmsghdr header;
    char space[CMSG_SPACE(sizeof(int) * EDDY_MAX_PASSED_DESCRIPTORS)];
  } control;
  struct iovec vector = {.iov_base = bytes, .iov_len = count};
  struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.space,
                           .msg_controllen = sizeof control.space};
  *descriptor_count = 0;
  *truncated = 0;
#ifdef MSG_CMSG_CLOEXEC
  long received = recvmsg(fd, &message, MSG_CMSG_CLOEXEC);
#else
  long received = recvmsg(fd, &message, 0);
#endif
  if (received < 0) return -1;
  if (message.msg_flags & MSG_CTRUNC) *truncated = 1;
  for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL;
       header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
    size_t carried = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    const int *passed = (const int *)CMSG_DATA(header);
    for (size_t index = 0; index < carried; index++) {
      if (*descriptor_count < EDDY_MAX_PASSED_DESCRIPTORS) {
        descriptors[(*descriptor_count)++] = passed[index];
      } else {
        close(passed[index]);
        *truncated = 1;
      }
    }
  }
  return received;
}

int eddy_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid) {
#ifdef SO_PEERCRED
  struct ucred credentials;
  socklen_t length = sizeof credentials;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
  *pid = credentials.pid;
  *uid = credentials.uid;
  *gid = credentials.gid;
  return 0;
#else
  (void)fd; (void)pid; (void)uid; (void)gid;
  errno = ENOTSUP;
  return -1;
#endif
}
