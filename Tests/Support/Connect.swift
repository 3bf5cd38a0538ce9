import EddyProtocols
import EddyReactor
import EddyTransports

/// Connects from `loop` to `address` with a protocol made by `factory` (on the loop's thread);
/// returns once the connection is made (a layer's handshake may still be running).
package func connect(
  _ loop: EventLoop, to address: SocketAddress, options: ConnectOptions = ConnectOptions(),
  _ factory: @escaping @Sendable () -> any StreamProtocol
) async throws {
  try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
    loop.execute {
      let completion: (Result<SocketStreamTransport, ConnectError>) -> Void = { result in
        continuation.resume(with: result.map { _ in () }.mapError { $0 as any Error })
      }
      switch address {
      case .unix(let path):
        loop.createUnixConnection(
          path: path, options: options, protocolFactory: factory, completion: completion)
      default:
        loop.createConnection(
          host: address.host, port: address.port!, options: options, protocolFactory: factory,
          completion: completion)
      }
    }
  }
}

/// Connects from `loop` to 127.0.0.1:`port` with a protocol made by `factory`; returns once
/// the TCP connection is made (a layer's handshake may still be running).
package func connect(
  _ loop: EventLoop, port: Int, _ factory: @escaping @Sendable () -> any StreamProtocol
) async throws {
  try await connect(loop, to: try SocketAddress(ipAddress: "127.0.0.1", port: port), factory)
}
