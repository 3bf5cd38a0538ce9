import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Logging
import Testing

/// What a server logs through ServerOptions.logger: each connection's lifecycle at debug, with
/// its id, peer and local address; a server limit acting at notice; nothing per message.
@Suite struct ServerLoggingTests {
  /// Runs a client that sends `rounds` messages of 64 bytes to `address`, reads each echo, and
  /// closes; returns once the server has no connection left.
  private func echoRounds(_ rounds: Int, to server: Server) async throws {
    let address = try SocketAddress(ipAddress: "127.0.0.1", port: server.port!)
    let client = try #require(RawSocket(connectingTo: address))
    for round in 0..<rounds {
      let message = [UInt8](repeating: UInt8(round % 200), count: 64)
      #expect(client.send(message))
      #expect(client.receive(exactly: 64) == message)
    }
    client.shutdownWrite()
    #expect(client.receive() == [])
    #expect(await eventually { server.connectionCount == 0 })
  }

  @Test func eachConnectionIsLoggedAcceptedAndClosedAtDebugAndNoMessageIs() async throws {
    let lines = Recorder<LogRecord>()
    let logger = RecordingLogHandler.logger(label: "test.server", level: .trace, into: lines)
    try await withLoop { loop in
      let server = try loop.createServer(host: "127.0.0.1", port: 0, options: ServerOptions(logger: logger)) {
        Echo()
      }
      defer { server.close() }
      try await echoRounds(100, to: server)
      try await echoRounds(100, to: server)
      let local = server.addresses[0].description
      let logged = lines.values
      #expect(
        logged.map(\.message) == [
          "connection accepted", "connection closed", "connection accepted", "connection closed",
        ])
      #expect(logged.allSatisfy { $0.level == .debug })
      #expect(logged.map { $0.metadata["connection"] } == ["1", "1", "2", "2"])
      #expect(logged.allSatisfy { $0.metadata["local"] == local })
      let peers = logged.compactMap { $0.metadata["peer"] }
      try #require(peers.count == 4)
      #expect(peers.allSatisfy { $0.hasPrefix("127.0.0.1:") })
      #expect(peers[0] == peers[1] && peers[2] == peers[3] && peers[0] != peers[2])
      #expect(logged.allSatisfy { $0.metadata["error"] == nil })
    }
  }

  @Test func atInfoAConnectionThatEndsWellOrByAPeersCodecErrorLogsNothing() async throws {
    let lines = Recorder<LogRecord>()
    let logger = RecordingLogHandler.logger(label: "test.server", level: .info, into: lines)
    try await withLoop { loop in
      let server = try loop.createServer(host: "127.0.0.1", port: 0, options: ServerOptions(logger: logger)) {
        CodecLayer(codec: LineCodec(maxLength: 8), upper: Echo())
      }
      defer { server.close() }
      let address = try SocketAddress(ipAddress: "127.0.0.1", port: server.port!)
      let client = try #require(RawSocket(connectingTo: address))
      #expect(client.send(Array("short\nmuch too long for it\n".utf8)))
      #expect(await client.receiveAll().bytes == Array("short\n".utf8))
      #expect(await eventually { server.connectionCount == 0 })
      #expect(lines.values.isEmpty)
    }
  }

  @Test func aPeersCodecErrorIsLoggedAtDebugWithTheError() async throws {
    let lines = Recorder<LogRecord>()
    let logger = RecordingLogHandler.logger(label: "test.server", level: .debug, into: lines)
    try await withLoop { loop in
      let server = try loop.createServer(host: "127.0.0.1", port: 0, options: ServerOptions(logger: logger)) {
        CodecLayer(codec: LineCodec(maxLength: 8), upper: Echo())
      }
      defer { server.close() }
      let address = try SocketAddress(ipAddress: "127.0.0.1", port: server.port!)
      let client = try #require(RawSocket(connectingTo: address))
      #expect(client.send(Array("much too long for it\n".utf8)))
      _ = await client.receiveAll()
      #expect(await eventually { server.connectionCount == 0 })
      let closed = try #require(lines.values.last)
      #expect(closed.level == .debug)
      #expect(closed.message == "connection closed by an error")
      #expect(closed.metadata["error"] == "\(CodecError.lineTooLong(maxLength: 8))")
      #expect(closed.metadata["connection"] == "1")
    }
  }

  @Test func aConnectionAbortedByTheFrameTimeoutIsANoticeNamingItsPeer() async throws {
    let lines = Recorder<LogRecord>()
    let logger = RecordingLogHandler.logger(label: "test.server", level: .info, into: lines)
    try await withLoop { loop in
      let options = ServerOptions(frameTimeout: .milliseconds(50), logger: logger)
      let server = try loop.createServer(host: "127.0.0.1", port: 0, options: options) {
        CodecLayer(codec: LineCodec(), upper: Echo())
      }
      defer { server.close() }
      let address = try SocketAddress(ipAddress: "127.0.0.1", port: server.port!)
      let client = try #require(RawSocket(connectingTo: address))
      #expect(client.send(Array("no end".utf8)))
      #expect(await eventually { !lines.values.isEmpty })
      let logged = lines.values
      #expect(logged.map(\.level) == [.notice])
      #expect(logged.first?.message == "connection aborted by a server limit")
      #expect(logged.first?.metadata["error"] == "\(ServerLimitError.frameTimeout(.milliseconds(50)))")
      #expect(logged.first?.metadata["peer"]?.hasPrefix("127.0.0.1:") == true)
    }
  }
}
