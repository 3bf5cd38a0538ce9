import EddyProtocols
import EddyReactor
import EddyTransports
import Testing

/// Polls `condition` every few milliseconds until it holds or `seconds` pass; returns whether it held.
@discardableResult
func eventually(within seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
  let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
  while ContinuousClock.now < deadline {
    if condition() { return true }
    try? await Task.sleep(for: .milliseconds(5))
  }
  return condition()
}

/// Runs `body` with a one-loop group that is shut down afterwards.
@discardableResult
func withLoop<Result>(_ body: (EventLoop) async throws -> Result) async throws -> Result {
  let group = try EventLoopGroup(loops: 1, name: "test")
  defer { group.shutdown() }
  return try await body(group.loops[0])
}

/// Connects from `loop` to `address` with a protocol made by `factory` (on the loop's thread).
func connect(
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
