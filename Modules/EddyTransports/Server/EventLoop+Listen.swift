import EddyProtocols
import EddyReactor

extension EventLoop {
  /// Listens on `host:port` (port 0: the kernel picks one) and serves every connection on this
  /// loop with a protocol made by `protocolFactory`. A host name may bind several addresses.
  /// Safe from any thread; the server accepts once this loop runs.
  ///
  /// The factory runs on this loop's thread only, so it is sent to the loop rather than shared:
  /// it need not be `@Sendable` and may capture state the connections share (a chat room, a
  /// cache) that is not `Sendable`. A group's server, whose loops call the factory at once,
  /// needs a `@Sendable` one (``EventLoopGroup/createServer(host:port:options:protocolFactory:)``).
  public func createServer(
    host: String, port: Int, options: ServerOptions = ServerOptions(),
    protocolFactory: sending @escaping () -> any StreamProtocol
  ) throws(ListenError) -> Server {
    try Server(
      addresses: Self.listenAddresses(host: host, port: port), loops: [self], options: options,
      protocolFactory: onThisLoop(protocolFactory))
  }

  /// Listens on the Unix-domain socket `path` (a stale socket file there is replaced) and serves
  /// every connection on this loop, with a factory sent to the loop as for
  /// ``createServer(host:port:options:protocolFactory:)``. Safe from any thread.
  public func createUnixServer(
    path: String, options: ServerOptions = ServerOptions(),
    protocolFactory: sending @escaping () -> any StreamProtocol
  ) throws(ListenError) -> Server {
    try Server(
      addresses: [Self.unixListenAddress(path)], loops: [self], options: options,
      protocolFactory: onThisLoop(protocolFactory))
  }

  /// A factory sent to this loop, callable only on its thread (where a one-loop server calls it).
  private func onThisLoop(
    _ factory: sending @escaping () -> any StreamProtocol
  ) -> @Sendable () -> any StreamProtocol {
    let sent = Transferred(factory)
    return { [self] in
      assertInLoopThread()
      return sent.value()
    }
  }

  static func listenAddresses(host: String, port: Int) throws(ListenError) -> [SocketAddress] {
    do {
      return try Resolver.resolveNow(host: host, port: port, passive: true)
    } catch {
      throw .resolutionFailed(host: host, message: error.description)
    }
  }

  static func unixListenAddress(_ path: String) throws(ListenError) -> SocketAddress {
    let address: SocketAddress
    do {
      address = try SocketAddress(unixPath: path)
    } catch {
      throw .resolutionFailed(host: path, message: error.description)
    }
    UnixSocketPath.removeStaleSocket(at: path)
    return address
  }
}

extension IsolatedEventLoop {
  /// Listens on `host:port` and serves every connection on this loop, from the loop's own
  /// thread: the factory runs on it and may share what it captures with other code there (a
  /// signal handler that closes every client, say), which a factory sent from another thread
  /// cannot (``EventLoop/createServer(host:port:options:protocolFactory:)``).
  public func createServer(
    host: String, port: Int, options: ServerOptions = ServerOptions(),
    protocolFactory: @escaping () -> any StreamProtocol
  ) throws(ListenError) -> Server {
    try Server(
      addresses: EventLoop.listenAddresses(host: host, port: port), loops: [loop], options: options,
      protocolFactory: confined(protocolFactory))
  }

  /// Listens on the Unix-domain socket `path` and serves every connection on this loop, from
  /// the loop's own thread, as ``createServer(host:port:options:protocolFactory:)``.
  public func createUnixServer(
    path: String, options: ServerOptions = ServerOptions(),
    protocolFactory: @escaping () -> any StreamProtocol
  ) throws(ListenError) -> Server {
    try Server(
      addresses: [EventLoop.unixListenAddress(path)], loops: [loop], options: options,
      protocolFactory: confined(protocolFactory))
  }

  /// The factory kept on this loop's thread, where a one-loop server calls it.
  private func confined(_ factory: @escaping () -> any StreamProtocol) -> @Sendable () -> any StreamProtocol {
    let bound = LoopBound(factory, loop: loop)
    return { bound.value() }
  }
}

extension EventLoopGroup {
  /// Listens on `host:port`, accepting on the first loop and spreading connections over every
  /// loop of the group round-robin. Safe from any thread.
  public func createServer(
    host: String, port: Int, options: ServerOptions = ServerOptions(),
    protocolFactory: @escaping @Sendable () -> any StreamProtocol
  ) throws(ListenError) -> Server {
    try Server(
      addresses: EventLoop.listenAddresses(host: host, port: port), loops: loops, options: options,
      protocolFactory: protocolFactory)
  }

  /// Listens on the Unix-domain socket `path`, spreading connections over the group's loops.
  public func createUnixServer(
    path: String, options: ServerOptions = ServerOptions(),
    protocolFactory: @escaping @Sendable () -> any StreamProtocol
  ) throws(ListenError) -> Server {
    try Server(
      addresses: [EventLoop.unixListenAddress(path)], loops: loops, options: options,
      protocolFactory: protocolFactory)
  }
}
