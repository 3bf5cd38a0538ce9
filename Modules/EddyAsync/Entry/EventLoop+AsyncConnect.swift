import EddyProtocols
import EddyReactor
import EddyTransports

extension EventLoop {
  /// Connects to `host:port` over TCP and returns the connection once it is made.
  ///
  /// Cancelling the awaiting task abandons the attempt (its socket is closed at once) and
  /// throws `CancellationError`. Safe from any task.
  ///
  /// - Throws: ``/EddyTransports/ConnectError`` when no address accepts, `CancellationError`.
  public func connect(
    host: String, port: Int, options: ConnectOptions = ConnectOptions(),
    configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncConnection {
    try await AsyncConnection.open(on: self, configuration: configuration) { protocolFactory, completion in
      let attempt = self.createConnection(
        host: host, port: port, options: options, protocolFactory: protocolFactory
      ) { result in
        completion(result.map { _ in () }.mapError { $0 })
      }
      return { attempt.cancel() }
    }
  }

  /// Connects to the first of `addresses` that accepts, trying them in order. Otherwise as
  /// ``connect(host:port:options:configuration:)``.
  public func connect(
    to addresses: [SocketAddress], options: ConnectOptions = ConnectOptions(),
    configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncConnection {
    try await AsyncConnection.open(on: self, configuration: configuration) { protocolFactory, completion in
      let attempt = self.createConnection(
        to: addresses, options: options, protocolFactory: protocolFactory
      ) { result in
        completion(result.map { _ in () }.mapError { $0 })
      }
      return { attempt.cancel() }
    }
  }

  /// Connects to the Unix-domain socket at `unixPath`. Otherwise as
  /// ``connect(host:port:options:configuration:)``.
  public func connect(
    unixPath: String, options: ConnectOptions = ConnectOptions(),
    configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncConnection {
    try await AsyncConnection.open(on: self, configuration: configuration) { protocolFactory, completion in
      let attempt = self.createUnixConnection(
        path: unixPath, options: options, protocolFactory: protocolFactory
      ) { result in
        completion(result.map { _ in () }.mapError { $0 })
      }
      return { attempt.cancel() }
    }
  }
}

extension EventLoopGroup {
  /// Connects to `host:port` over TCP from the group's next loop; see
  /// ``EddyReactor/EventLoop/connect(host:port:options:configuration:)``.
  public func connect(
    host: String, port: Int, options: ConnectOptions = ConnectOptions(),
    configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncConnection {
    try await next().connect(host: host, port: port, options: options, configuration: configuration)
  }

  /// Connects to the first of `addresses` that accepts, from the group's next loop.
  public func connect(
    to addresses: [SocketAddress], options: ConnectOptions = ConnectOptions(),
    configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncConnection {
    try await next().connect(to: addresses, options: options, configuration: configuration)
  }

  /// Connects to the Unix-domain socket at `unixPath` from the group's next loop.
  public func connect(
    unixPath: String, options: ConnectOptions = ConnectOptions(),
    configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncConnection {
    try await next().connect(unixPath: unixPath, options: options, configuration: configuration)
  }
}
