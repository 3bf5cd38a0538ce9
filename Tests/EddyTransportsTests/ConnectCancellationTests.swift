import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Cancelling a connection attempt through its handle.
@Suite struct ConnectCancellationTests {
  /// Cancelled before its address is resolved, the attempt reports `ECANCELED` exactly once and
  /// never connects, even when the resolution arrives afterwards.
  @Test func aCancelledAttemptReportsOnceAndNeverConnects() async throws {
    try await withLoop { loop in
      let serverLog = ProbeLog()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) { Probe(log: serverLog) }
      defer { server.close() }
      let clientLog = ProbeLog()
      let results = Outcomes()
      try await loop.submit {
        let attempt = loop.createConnection(
          host: "localhost", port: server.port!, protocolFactory: { Probe(log: clientLog) }
        ) { result in
          results.record(result)
        }
        attempt.cancel()
        attempt.cancel()
      }
      try await Task.sleep(for: .milliseconds(200))
      #expect(results.errors == [.system(SystemError("connect", errno: ECANCELED))])
      #expect(clientLog.events.isEmpty)
      #expect(server.connectionCount == 0)
    }
  }
}

/// The outcomes a completion reported: nil for a success, else the error.
final class Outcomes: Sendable {
  private let state = Locked<[ConnectError?]>([])

  func record(_ result: Result<SocketStreamTransport, ConnectError>) {
    let error: ConnectError? = if case .failure(let failure) = result { failure } else { nil }
    state.withLock { $0.append(error) }
  }

  var errors: [ConnectError?] { state.withLock { $0 } }
}
