import EddyProtocols
import EddyReactor
import EddyTransports

extension EventLoop {
  /// Listens on `host:port` (port 0: the kernel picks one) and returns once accepting, with
  /// every connection served on this loop. Safe from any task.
  ///
  /// - Throws: ``/EddyTransports/ListenError``, `CancellationError`.
  public func listen(
    host: String, port: Int, options: ServerOptions = ServerOptions(),
    configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncServer {
    try await AsyncServer.start(acceptLoop: self, configuration: configuration) { protocolFactory in
      try createServer(host: host, port: port, options: options, protocolFactory: protocolFactory)
    }
  }

  /// Listens on the Unix-domain socket `unixPath` (a stale socket file there is replaced).
  public func listen(
    unixPath: String, options: ServerOptions = ServerOptions(),
    configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncServer {
    try await AsyncServer.start(acceptLoop: self, configuration: configuration) { protocolFactory in
      try createUnixServer(path: unixPath, options: options, protocolFactory: protocolFactory)
    }
  }
}

extension EventLoopGroup {
  /// Listens on `host:port`, accepting on the first loop and spreading connections over the
  /// group's loops round-robin; returns once accepting.
  public func listen(
    host: String, port: Int, options: ServerOptions = ServerOptions(),
    configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncServer {
    try await AsyncServer.start(acceptLoop: loops[0], configuration: configuration) { protocolFactory in
      try createServer(host: host, port: port, options: options, protocolFactory: protocolFactory)
    }
  }

  /// Listens on the Unix-domain socket `unixPath`, spreading connections over the group's loops.
  public func listen(
    unixPath: String, options: ServerOptions = ServerOptions(),
    configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncServer {
    try await AsyncServer.start(acceptLoop: loops[0], configuration: configuration) { protocolFactory in
      try createUnixServer(path: unixPath, options: options, protocolFactory: protocolFactory)
    }
  }
}

/// Listens on `host:port` with `group` and serves every connection with `handler` in a child
/// task of its own, until the calling task is cancelled; see ``AsyncServer/serve(_:)``.
/// `onListening` gets the bound addresses (with the port the kernel picked for port 0) once
/// the server accepts.
///
/// - Throws: ``/EddyTransports/ListenError``, `CancellationError`.
public func serve(
  host: String, port: Int, group: EventLoopGroup, options: ServerOptions = ServerOptions(),
  configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration(),
  onListening: @Sendable ([SocketAddress]) -> Void = { _ in },
  handler: @escaping @Sendable (AsyncConnection) async throws -> Void
) async throws {
  let server = try await group.listen(host: host, port: port, options: options, configuration: configuration)
  onListening(server.addresses)
  try await server.serve(handler)
}
