import CEddySystem
import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// One listening socket on the server's accept loop. When the process runs out of descriptors
/// it stops accepting for a moment instead of spinning on a readiness it cannot serve, and says
/// so to the server's log and observer.
///
/// On a loop that completes operations (io_uring) the kernel accepts: one multishot accept
/// hands over each new connection's descriptor, with no `accept` call; elsewhere the listener
/// accepts on read readiness.
final class Listener: Selectable {
  let fd: Int32
  let address: SocketAddress
  /// The loop that accepts on this socket.
  let loop: EventLoop
  private let backoffDelay: Duration
  private let log: ServerLog
  private let observer: (any ConnectionObserver)?
  /// Receives each accepted descriptor and whether it is a TCP connection; set by the server
  /// before ``start()``.
  var onAccept: ((Int32, Bool) -> Void)?
  private var backoff: CallbackHandle?
  private var isClosed = false
  /// The socket file this listener bound, removed at close only if it is still that file.
  private let socketFile: BoundSocketFile?
  /// How connections arrive: ``Interest/accept`` where the loop's kernel accepts, else read
  /// readiness.
  private let accepting: Interest

  /// Creates, binds and starts listening on a socket for `address`.
  init(address: SocketAddress, options: ServerOptions, loop: EventLoop) throws(SystemError) {
    let fd = try Socket.make(family: address.family, type: Socket.streamType)
    do throws(SystemError) {
      if address.family != AF_UNIX {
        if options.reuseAddress { try Socket.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1) }
        if options.reusePort { try Socket.setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1) }
        if address.family == AF_INET6 { try Socket.setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1) }
      }
      try Socket.bind(fd, address: address)
      guard listen(fd, options.backlog) == 0 else { throw SystemError("listen") }
    } catch {
      systemClose(fd)
      throw error
    }
    if case .unix(let path) = address { socketFile = BoundSocketFile(path: path) } else { socketFile = nil }
    self.fd = fd
    self.address = Socket.localAddress(fd) ?? address
    self.loop = loop
    self.backoffDelay = options.acceptBackoff
    self.log = ServerLog(logger: options.logger)
    self.observer = options.observer
    self.accepting = loop.completesReceives ? .accept : .read
  }

  /// Starts accepting; call on the accept loop.
  func start() {
    do {
      try loop.register(self, fd: fd, interest: accepting)
    } catch {
      log.acceptFailed(error, on: address)
    }
  }

  package func selectorReadable() {
    // A bounded batch per readiness keeps one busy listener from starving the loop.
    for _ in 0..<64 {
      let client = eddy_accept(fd, nil, nil)
      if client >= 0 {
        onAccept?(client, address.family != AF_UNIX)
        continue
      }
      switch currentErrno() {
      case EINTR, ECONNABORTED:
        continue
      case EAGAIN, EWOULDBLOCK:
        return
      case let errno:
        acceptFailed(errno: errno)
        return
      }
    }
  }

  /// A connection the kernel accepted (io_uring): handed to the server, or closed when the
  /// listener serves nobody any more.
  package func selectorAccepted(_ client: Int32) {
    guard let onAccept else {
      systemClose(client)
      return
    }
    onAccept(client, address.family != AF_UNIX)
  }

  /// The kernel's accept failed (it is armed again while the interest stays).
  package func selectorReceiveEnded(errno: Int32) { acceptFailed(errno: errno) }

  /// Backs off when descriptors or memory ran out; logs anything else.
  private func acceptFailed(errno: Int32) {
    switch errno {
    case EMFILE, ENFILE, ENOBUFS, ENOMEM: pauseAccepting(SystemError("accept", errno: errno))
    default: log.acceptFailed(SystemError("accept", errno: errno), on: address)
    }
  }

  private func pauseAccepting(_ error: SystemError) {
    guard backoff == nil else { return }
    guard (try? loop.setInterest([], fd: fd)) != nil else {
      log.acceptFailed(error, on: address)
      return
    }
    log.acceptBackedOff(error, on: address, pause: backoffDelay)
    observer?.acceptBackedOff(on: loop, error: error)
    backoff = loop.callLater(after: backoffDelay) { [self] in
      backoff = nil
      guard !isClosed else { return }
      do { try loop.setInterest(accepting, fd: fd) } catch { log.acceptFailed(error, on: address) }
    }
  }

  package func selectorWritable() {}

  package func loopClosing() { close() }

  /// Stops listening and releases the socket (and a Unix socket's path). Idempotent; call on
  /// the accept loop.
  func close() {
    guard !isClosed else { return }
    backoff?.cancel()
    loop.deregister(fd: fd)
    onAccept = nil
    closeUnregistered()
  }

  /// Releases a socket that was never registered, from any thread.
  func closeUnregistered() {
    isClosed = true
    systemClose(fd)
    socketFile?.remove()
  }
}
