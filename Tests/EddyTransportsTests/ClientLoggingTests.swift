import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Logging
import Testing

/// Writes one message when connected and closes when the first reply arrives.
final class OneExchange: StreamProtocol {
  var transport: (any StreamTransport)?
  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    transport.write("hello")
  }
  func dataReceived(_ data: ByteBuffer) { transport?.close() }
}

/// What a client logs through ConnectOptions.logger: connected and closed at debug, with its
/// peer and local address; a failed connect with its target and error; nothing at info.
@Suite struct ClientLoggingTests {
  @Test func aConnectionIsLoggedConnectedAndClosedAtDebug() async throws {
    let lines = Recorder<LogRecord>()
    let logger = RecordingLogHandler.logger(label: "test.client", level: .trace, into: lines)
    try await withLoop { loop in
      let server = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      defer { server.close() }
      try await connect(loop, to: server.addresses[0], options: ConnectOptions(logger: logger)) {
        OneExchange()
      }
      #expect(await eventually { lines.values.count == 2 })
      let logged = lines.values
      #expect(logged.map(\.message) == ["connected", "connection closed"])
      #expect(logged.allSatisfy { $0.level == .debug })
      #expect(logged.allSatisfy { $0.metadata["peer"] == server.addresses[0].description })
      let local = logged.compactMap { $0.metadata["local"] }
      #expect(local.count == 2 && local[0] == local[1] && local[0].hasPrefix("127.0.0.1:"))
      #expect(logged.allSatisfy { $0.metadata["error"] == nil })
    }
  }

  @Test func aRefusedConnectIsLoggedWithItsTargetAndError() async throws {
    let lines = Recorder<LogRecord>()
    let logger = RecordingLogHandler.logger(label: "test.client", level: .debug, into: lines)
    try await withLoop { loop in
      let closed = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      let port = closed.port!
      closed.close()
      await #expect(throws: ConnectError.self) {
        try await connect(
          loop, to: try SocketAddress(ipAddress: "127.0.0.1", port: port),
          options: ConnectOptions(logger: logger)
        ) { OneExchange() }
      }
      let logged = lines.values
      #expect(logged.map(\.message) == ["connecting failed"])
      #expect(logged.first?.metadata["target"]?.contains("127.0.0.1") == true)
      #expect(logged.first?.metadata["error"]?.isEmpty == false)
    }
  }

  @Test func atInfoAClientLogsNothing() async throws {
    let lines = Recorder<LogRecord>()
    let logger = RecordingLogHandler.logger(label: "test.client", level: .info, into: lines)
    try await withLoop { loop in
      let server = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      defer { server.close() }
      try await connect(loop, to: server.addresses[0], options: ConnectOptions(logger: logger)) {
        OneExchange()
      }
      #expect(await eventually { server.connectionCount == 0 })
      #expect(lines.values.isEmpty)
    }
  }
}
