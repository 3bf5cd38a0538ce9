import EddyProtocols
import EddyReactor
import EddyTLS
import EddyTestSupport
import EddyTransports
import Testing

/// Timeouts and the end of a TLS connection, Eddy against Eddy or a raw TCP peer.
@Suite struct ClosingTests {
  @Test func eofReceivedReturningTrueStillClosesWithAWarning() async throws {
    try await withLoop { loop in
      let captured = CapturedLog()
      let serverContext = try Contexts.server { $0.logger = captured.logger }
      let serverLog = ProbeLog()
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0,
        protocolFactory: TLSLayer.factory(context: serverContext) {
          let probe = Probe(log: serverLog)
          probe.onEOF = { _ in true }
          return probe
        })
      defer { server.close() }
      let clientLog = ProbeLog()
      try await connect(
        loop, port: server.port!,
        TLSLayer.factory(context: try Contexts.client()) {
          let probe = Probe(log: clientLog)
          probe.onMade = { $0.transport!.close() }
          return probe
        })
      #expect(await eventually { serverLog.isLost && clientLog.isLost })
      #expect(serverLog.lifecycle == [.made, .eof, .lost(nil)])
      #expect(clientLog.lifecycle == [.made, .lost(nil)])
      #expect(captured.warnings.contains { $0.contains("cannot stay half-open") })
    }
  }

  @Test func serverGivesUpOnAClientThatNeverStartsTheHandshake() async throws {
    try await withLoop { loop in
      let failures = FailureLog()
      let context = try Contexts.server { $0.handshakeTimeout = .milliseconds(200) }
      let made = ProbeLog()
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0,
        protocolFactory: TLSLayer.factory(context: context, onHandshakeFailure: failures.handler) {
          Probe(log: made)
        })
      defer { server.close() }
      let silent = ProbeLog()
      try await connect(loop, port: server.port!) { Probe(log: silent) }
      #expect(await eventually { silent.isLost })
      #expect(failures.all == [.handshakeTimeout])
      #expect(made.events.isEmpty)
      #expect(silent.lifecycle == [.made, .eof, .lost(nil)])
    }
  }

  @Test func clientGivesUpOnAServerThatNeverAnswers() async throws {
    try await withLoop { loop in
      let silentServer = ProbeLog()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) { Probe(log: silentServer) }
      defer { server.close() }
      let failures = FailureLog()
      let context = try Contexts.client { $0.handshakeTimeout = .milliseconds(200) }
      let log = ProbeLog()
      try await connect(
        loop, port: server.port!,
        TLSLayer.factory(context: context, onHandshakeFailure: failures.handler) {
          Probe(log: log)
        })
      #expect(await eventually { !failures.all.isEmpty })
      #expect(failures.all == [.handshakeTimeout])
      #expect(log.events.isEmpty)
      // The client hello arrived, then the connection was aborted.
      #expect(await eventually { silentServer.isLost })
      #expect(silentServer.byteCount > 0)
    }
  }

  /// A client that pauses reading as soon as it is connected, so it neither reads the server's
  /// data nor answers its close_notify.
  private func connectDeafClient(_ loop: EventLoop, port: Int) async throws -> (ProbeLog, Made<Probe>) {
    let log = ProbeLog()
    let made = Made<Probe>()
    try await connect(
      loop, port: port,
      TLSLayer.factory(context: try Contexts.client()) {
        let probe = made.add(Probe(log: log))
        probe.onMade = { $0.transport!.pauseReading() }
        return probe
      })
    return (log, made)
  }

  @Test(arguments: [0, 8 * 1024 * 1024])
  func closeWaitsForThePeerAtMostTheShutdownTimeout(unsentBytes: Int) async throws {
    try await withLoop { loop in
      let context = try Contexts.server { $0.shutdownTimeout = .milliseconds(300) }
      let serverLog = ProbeLog()
      let closedAt = Made<Box<ContinuousClock.Instant>>()
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0,
        protocolFactory: TLSLayer.factory(context: context) {
          let probe = Probe(log: serverLog)
          probe.onMade = { probe in
            if unsentBytes > 0 {
              probe.transport!.write(ByteBuffer(bytes: [UInt8](repeating: 7, count: unsentBytes)))
            }
            _ = closedAt.add(Box(ContinuousClock.now))
            probe.transport!.close()
          }
          return probe
        })
      defer { server.close() }
      let (clientLog, client) = try await connectDeafClient(loop, port: server.port!)
      #expect(await eventually { serverLog.isLost })
      let waited = try await loop.submit { ContinuousClock.now - closedAt.items[0].value }
      #expect(waited >= .milliseconds(300))
      // Everything sent but no answer is a clean end; data left unsent is an error.
      let expected: [Event] =
        unsentBytes == 0 ? [.made, .lost(nil)] : [.made, .pause, .lost(.shutdownTimeout)]
      #expect(serverLog.lifecycle == expected)
      #expect(clientLog.lifecycle == [.made])
      try await loop.submit { client.items[0].transport!.abort() }
      #expect(await eventually { clientLog.isLost })
      #expect(clientLog.lifecycle == [.made, .lost(nil)])
    }
  }
}

/// A value with reference identity, for ``Made``.
final class Box<Value> {
  let value: Value
  init(_ value: Value) { self.value = value }
}
