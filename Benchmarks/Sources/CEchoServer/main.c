// A minimal single-threaded epoll echo server: the "limit row" of the comparison, the best this
// machine's loopback allows one core to serve. Level-triggered, nonblocking, one 64 KiB read per
// readiness event, written back at once; what the socket does not take is queued on the connection,
// reading from it pauses, and EPOLLOUT is awaited until the queue drains.
//
// usage: CEchoServer [--host IPV4] [--port PORT]
// The first stdout line, flushed at once, is "listening on HOST:PORT". SIGINT or SIGTERM: exit 0.

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { READ_BUFFER_SIZE = 64 * 1024, MAX_EVENTS = 256 };

// One accepted connection and the bytes it still owes its peer.
struct connection {
  int fd;
  char *pending;
  size_t pending_offset;
  size_t pending_length;
  size_t pending_capacity;
};

static volatile sig_atomic_t stop_requested = 0;
static char read_buffer[READ_BUFFER_SIZE];

static void request_stop(int signal_number) {
  (void)signal_number;
  stop_requested = 1;
}

static void close_connection(struct connection *connection) {
  close(connection->fd);  // closing removes it from the epoll set
  free(connection->pending);
  free(connection);
}

// Appends bytes the socket did not take; returns -1 when memory runs out.
static int queue_bytes(struct connection *connection, const char *bytes, size_t length) {
  size_t needed = connection->pending_length + length;
  if (connection->pending_offset > 0) {
    memmove(connection->pending, connection->pending + connection->pending_offset, connection->pending_length);
    connection->pending_offset = 0;
  }
  if (needed > connection->pending_capacity) {
    size_t capacity = connection->pending_capacity ? connection->pending_capacity : READ_BUFFER_SIZE;
    while (capacity < needed) capacity *= 2;
    char *grown = realloc(connection->pending, capacity);
    if (grown == NULL) return -1;
    connection->pending = grown;
    connection->pending_capacity = capacity;
  }
  memcpy(connection->pending + connection->pending_length, bytes, length);
  connection->pending_length = needed;
  return 0;
}

// Sends as much of `bytes` as the socket takes; returns how many were sent, or -1 on an error.
static ssize_t send_some(int fd, const char *bytes, size_t length) {
  size_t sent = 0;
  while (sent < length) {
    ssize_t written = send(fd, bytes + sent, length - sent, MSG_NOSIGNAL);
    if (written > 0) {
      sent += (size_t)written;
    } else if (written < 0 && errno == EINTR) {
      continue;
    } else if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      return -1;
    }
  }
  return (ssize_t)sent;
}

static int watch(int epoll_fd, int op, struct connection *connection, uint32_t events) {
  struct epoll_event event = {.events = events, .data.ptr = connection};
  return epoll_ctl(epoll_fd, op, connection->fd, &event);
}

// Returns 0 to keep the connection, -1 to close it.
static int on_readable(int epoll_fd, struct connection *connection) {
  ssize_t count = read(connection->fd, read_buffer, sizeof read_buffer);
  if (count < 0) return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
  if (count == 0) return -1;  // nothing is pending while reading is on, so EOF means done
  ssize_t sent = send_some(connection->fd, read_buffer, (size_t)count);
  if (sent < 0) return -1;
  if ((size_t)sent < (size_t)count) {
    if (queue_bytes(connection, read_buffer + sent, (size_t)count - (size_t)sent) < 0) return -1;
    if (watch(epoll_fd, EPOLL_CTL_MOD, connection, EPOLLOUT) < 0) return -1;
  }
  return 0;
}

// Returns 0 to keep the connection, -1 to close it. Once the queue drains, reading resumes: data the
// peer sent meanwhile is still in the socket, and its EOF, if any, is seen by the next read.
static int on_writable(int epoll_fd, struct connection *connection) {
  ssize_t sent = send_some(connection->fd, connection->pending + connection->pending_offset, connection->pending_length);
  if (sent < 0) return -1;
  connection->pending_offset += (size_t)sent;
  connection->pending_length -= (size_t)sent;
  if (connection->pending_length > 0) return 0;
  connection->pending_offset = 0;
  return watch(epoll_fd, EPOLL_CTL_MOD, connection, EPOLLIN);
}

static void accept_all(int epoll_fd, int listen_fd) {
  for (;;) {
    int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) perror("accept4");
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct connection *connection = calloc(1, sizeof *connection);
    if (connection == NULL) {
      close(fd);
      continue;
    }
    connection->fd = fd;
    if (watch(epoll_fd, EPOLL_CTL_ADD, connection, EPOLLIN) < 0) close_connection(connection);
  }
}

static int parse_arguments(int argc, char **argv, const char **host, int *port) {
  for (int index = 1; index < argc; index += 2) {
    if (index + 1 >= argc) return -1;
    if (strcmp(argv[index], "--port") == 0) {
      char *end = NULL;
      long value = strtol(argv[index + 1], &end, 10);
      if (*end != '\0' || value < 0 || value > 65535) return -1;
      *port = (int)value;
    } else if (strcmp(argv[index], "--host") == 0) {
      *host = argv[index + 1];
    } else {
      return -1;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *host = "127.0.0.1";
  int port = 0;
  if (parse_arguments(argc, argv, &host, &port) < 0) {
    fprintf(stderr, "usage: CEchoServer [--host IPV4] [--port PORT]\n");
    return 64;
  }

  struct sigaction action = {.sa_handler = request_stop};  // no SA_RESTART: epoll_wait returns EINTR
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, NULL);
  sigaction(SIGTERM, &action, NULL);

  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
    fprintf(stderr, "CEchoServer: --host wants an IPv4 address, not %s\n", host);
    return 64;
  }
  int listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (listen_fd < 0 || setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 || bind(listen_fd, (struct sockaddr *)&address, sizeof address) < 0 ||
      listen(listen_fd, 1024) < 0) {
    perror("CEchoServer: listen");
    return 1;
  }
  socklen_t length = sizeof address;
  getsockname(listen_fd, (struct sockaddr *)&address, &length);
  printf("listening on %s:%d\n", host, ntohs(address.sin_port));
  fflush(stdout);

  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event listen_event = {.events = EPOLLIN, .data.ptr = NULL};
  if (epoll_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &listen_event) < 0) {
    perror("CEchoServer: epoll");
    return 1;
  }

  struct epoll_event events[MAX_EVENTS];
  while (!stop_requested) {
    int ready = epoll_wait(epoll_fd, events, MAX_EVENTS, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      perror("CEchoServer: epoll_wait");
      return 1;
    }
    for (int index = 0; index < ready; index++) {
      struct connection *connection = events[index].data.ptr;
      if (connection == NULL) {
        accept_all(epoll_fd, listen_fd);
        continue;
      }
      uint32_t flags = events[index].events;
      int status;
      if (flags & EPOLLOUT) {
        status = on_writable(epoll_fd, connection);
      } else {
        status = on_readable(epoll_fd, connection);  // EPOLLIN, EPOLLHUP or EPOLLERR
      }
      if (status < 0) close_connection(connection);
    }
  }
  close(listen_fd);
  close(epoll_fd);
  return 0;
}
