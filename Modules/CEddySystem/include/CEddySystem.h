// Eddy's window onto the parts of the C library that Swift's Glibc module does not export
// (epoll, eventfd) or that Swift cannot call (variadic fcntl and syscall, accept4 and pipe2,
// which need _GNU_SOURCE: shim.c defines it, this header must not, or its declarations would
// disagree with the Glibc module's).
#ifndef C_EDDY_SYSTEM_H
#define C_EDDY_SYSTEM_H

#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif

#include <spawn.h>
#include <sys/socket.h>
#include <sys/types.h>

/// Sets O_NONBLOCK (and FD_CLOEXEC) on a descriptor; returns 0 or -1 with errno set.
int eddy_set_nonblocking(int fd);

/// `accept4` with SOCK_NONBLOCK | SOCK_CLOEXEC on Linux, accept + fcntl elsewhere.
int eddy_accept(int fd, struct sockaddr *addr, socklen_t *len);

/// The peer's credentials of a Unix-domain socket (`SO_PEERCRED`, whose `struct ucred` needs
/// _GNU_SOURCE); returns 0, or -1 with errno set (ENOTSUP where there is no SO_PEERCRED).
int eddy_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

/// The most descriptors one message carries in either direction (SCM_RIGHTS).
#define EDDY_MAX_PASSED_DESCRIPTORS 64

/// Sends `count` bytes with `descriptor_count` descriptors attached (SCM_RIGHTS), with
/// MSG_NOSIGNAL where there is one; returns the bytes sent, or -1 with errno set.
long eddy_send_with_descriptors(int fd, const void *bytes, size_t count, const int *descriptors,
                                int descriptor_count);

/// `fcntl(fd, F_DUPFD_CLOEXEC, 0)`: a duplicate closed on exec, or -1 with errno set.
int eddy_duplicate(int fd);

/// Receives up to `count` bytes and the descriptors that came with them (SCM_RIGHTS, closed on
/// exec): at most EDDY_MAX_PASSED_DESCRIPTORS land in `descriptors`, their number in
/// `*descriptor_count`; `*truncated` is set when the kernel had to drop some. Returns the
/// bytes received (0 at end of stream), or -1 with errno set.
long eddy_receive_with_descriptors(int fd, void *bytes, size_t count, int *descriptors,
                                   int *descriptor_count, int *truncated);

/// `socket` with SOCK_NONBLOCK | SOCK_CLOEXEC on Linux, socket + fcntl elsewhere.
int eddy_socket(int domain, int type, int protocol);

/// `pipe2(O_NONBLOCK | O_CLOEXEC)` on Linux, pipe + fcntl elsewhere.
int eddy_pipe(int fds[2]);

/// `fcntl(fd, F_GETFL)`, which Swift cannot call because `fcntl` is variadic.
int eddy_get_flags(int fd);

/// `fcntl(fd, F_SETFL, flags)`.
int eddy_set_flags(int fd, int flags);

/// Routes `signo` to `fd`: the process-wide handler writes the signal number as one byte
/// to `fd` (async-signal-safe). `fd` < 0 restores the default disposition.
int eddy_route_signal(int signo, int fd);

/// Opens a pidfd for `pid` (Linux 5.3+); -1 with errno set elsewhere.
int eddy_pidfd_open(pid_t pid);

/// Ignores SIGPIPE when its disposition is still the default, so that a write to a pipe whose
/// reader is gone fails with EPIPE instead of ending the process. Returns 0 or -1 with errno set.
int eddy_ignore_sigpipe(void);

/// `fcntl(fd, F_DUPFD_CLOEXEC, minimum)`: a close-on-exec duplicate numbered `minimum` or above.
int eddy_dup_cloexec(int fd, int minimum);

/// The calling process's environment (`environ`), for handing on to a child unchanged.
char **eddy_environment(void);

/// Adds a change of working directory to spawn file actions
/// (`posix_spawn_file_actions_addchdir_np`); returns 0 or an error number (ENOSYS when the
/// system lacks it).
int eddy_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// Adds "close every descriptor from `lowest` up" to spawn file actions
/// (`posix_spawn_file_actions_addclosefrom_np`); returns 0 or an error number (ENOSYS when the
/// system lacks it, in which case close-on-exec alone keeps descriptors from the child).
int eddy_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

/// Marks the event loop running on this thread (NULL for none).
void eddy_set_current_loop(void *loop);

/// The event loop running on this thread, or NULL.
void *eddy_current_loop(void);

/// Names the calling thread (truncated to what the system allows).
void eddy_set_thread_name(const char *name);

/// One message of a batched send or receive, laid out as Linux's `struct mmsghdr` (which the C
/// library declares only under _GNU_SOURCE): the header, and the bytes the kernel moved.
struct eddy_mmsghdr {
  struct msghdr msg_hdr;
  unsigned int msg_len;
};

/// Receives up to `count` datagrams in one call: `recvmmsg` on Linux, repeated `recvmsg`
/// elsewhere. Returns how many arrived (an error after the first is left for the next call),
/// or -1 with errno set.
int eddy_recvmmsg(int fd, struct eddy_mmsghdr *messages, unsigned int count);

/// Sends up to `count` datagrams in one call: `sendmmsg` on Linux, repeated `sendmsg`
/// elsewhere. Returns how many were sent (an error after the first is left for the next call),
/// or -1 with errno set.
int eddy_sendmmsg(int fd, struct eddy_mmsghdr *messages, unsigned int count);

/// The size of `struct sockaddr_storage`.
static inline socklen_t eddy_sockaddr_storage_size(void) { return (socklen_t)sizeof(struct sockaddr_storage); }

#endif
