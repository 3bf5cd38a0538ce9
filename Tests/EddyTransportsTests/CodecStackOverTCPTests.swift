import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

/// Echoes each message back through the stack it sits on.
final class MessageEcho: MessageProtocol {
  var transport: (any StreamTransport)?
  func connectionMade(_ transport: any StreamTransport) { self.transport = transport }
  func dataReceived(_ data: ByteBuffer) { transport?.write(data) }
  func messageReceived(_ message: ByteBuffer) { transport?.write(message) }
}

/// Collects the messages that come back and sends the next batch from inside the callback.
final class MessageCollector: MessageProtocol {
  let log: ProbeLog
  let messages: [ByteBuffer]
  var transport: (any StreamTransport)?
  var received = 0

  init(log: ProbeLog, messages: [ByteBuffer]) {
    self.log = log
    self.messages = messages
  }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    log.record(.made)
    for message in messages { transport.write(message) }
  }

  func messageReceived(_ message: ByteBuffer) {
    log.record(.data(message.readableBytes))
    received += 1
    if received == messages.count { transport?.close() }
  }

  func connectionLost(_ error: (any Error)?) {
    log.record(.lost(error == nil ? nil : -1))
  }
}

@Suite struct CodecStackOverTCPTests {
  @Test(arguments: ["line", "length-prefix", "zlib,line", "zlib,length-prefix"])
  func everyFramedStackEchoesOverTCP(name: String) async throws {
    let stack = try CodecStack(parsing: name)
    try await withLoop { loop in
      let server = try loop.createServer(host: "127.0.0.1", port: 0) { stack.wrap(MessageEcho()) }
      defer { server.close() }
      let messages = (0..<500).map { index in
        ByteBuffer(
          bytes: [UInt8](repeating: UInt8(ascii: "a") + UInt8(index % 26), count: index * 37 % 3000 + 1))
      }
      let log = ProbeLog()
      try await connect(loop, to: server.addresses[0]) {
        stack.wrap(MessageCollector(log: log, messages: messages))
      }
      #expect(await eventually { log.isLost })
      let sizes = log.events.compactMap { if case .data(let count) = $0 { count } else { nil } }
      #expect(sizes == messages.map(\.readableBytes))
      #expect(log.events.last == .lost(nil))
    }
  }

  @Test func aBadFrameEndsThatConnectionWithATypedError() async throws {
    let stack = try CodecStack(parsing: "length-prefix", maxFrameLength: 100)
    try await withLoop { loop in
      let serverLog = ProbeLog()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        stack.wrap(Probe(log: serverLog))
      }
      defer { server.close() }
      try await connect(loop, to: server.addresses[0]) {
        let probe = Probe(log: ProbeLog())
        probe.onMade = { $0.transport!.write([0, 0, 0, 101]) }
        return probe
      }
      #expect(await eventually { serverLog.isLost })
      #expect(serverLog.lifecycle == [.made, .lost(-1)])
    }
  }
}
