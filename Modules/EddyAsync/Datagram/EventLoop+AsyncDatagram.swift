import EddyProtocols
import EddyReactor
import EddyTransports

extension EventLoop {
  /// Creates a UDP or Unix-domain datagram endpoint bound to `local`, connected to `remote`, or
  /// both, as ``/EddyTransports/EddyReactor/EventLoop/createDatagramEndpoint(local:remote:options:protocolFactory:)``
  /// does, and returns it ready. Safe from any task. A task cancelled by the time the endpoint
  /// is made closes it and gets `CancellationError`.
  ///
  /// - Throws: ``/EddyTransports/DatagramEndpointError``, `CancellationError`.
  public func createDatagramEndpoint(
    local: SocketAddress? = nil, remote: SocketAddress? = nil, options: DatagramOptions = DatagramOptions(),
    configuration: AsyncDatagramConfiguration = AsyncDatagramConfiguration()
  ) async throws -> AsyncDatagramEndpoint {
    let endpoint = try await submit {
      let bridge = DatagramBridge(loop: self, configuration: configuration)
      _ = try self.createDatagramEndpoint(
        local: local, remote: remote, options: options, protocolFactory: { bridge })
      return AsyncDatagramEndpoint(bridge: bridge)
    }
    if Task.isCancelled {
      endpoint.abort()
      throw CancellationError()
    }
    return endpoint
  }
}
