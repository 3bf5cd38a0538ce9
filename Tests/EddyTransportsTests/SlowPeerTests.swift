import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

/// Closes its connection when no activity counts for `timeout`: every received byte, or only
/// every complete message, the protocol's choice.
final class TimedServer: MessageProtocol {
  let log: ProbeLog
  let timeout: Duration
  let countsBytes: Bool
  var transport: (any StreamTransport)?
  var idle: IdleTimeout?

  init(log: ProbeLog, timeout: Duration, countsBytes: Bool) {
    self.log = log
    self.timeout = timeout
    self.countsBytes = countsBytes
  }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    log.record(.made)
    idle = IdleTimeout(loop: EventLoop.current!, timeout: timeout) { transport.close() }
  }

  func dataReceived(_ data: ByteBuffer) {
    log.record(data)
    if countsBytes { idle?.touch() }
  }

  func messageReceived(_ message: ByteBuffer) {
    log.record(message)
    idle?.touch()
  }

  func connectionLost(_ error: (any Error)?) {
    log.recordLost(error)
    idle?.cancel()
    transport = nil
  }
}

/// A peer that sends one byte at a time, slowly (one every 100 ms here, the shape of a client
/// sending one byte a second), against the idle timeouts a protocol can set.
@Suite struct SlowPeerTests {
  @Test func anIdleTimeoutTouchedByEveryByteSparesASlowPeerAndClosesOnceItStops() async throws {
    try await withLoop { loop in
      let log = ProbeLog()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        TimedServer(log: log, timeout: .milliseconds(400), countsBytes: true)
      }
      let port = server.port!
      let client = try #require(RawSocket(connectingTo: server.addresses[0]))
      for byte in Array("slowly".utf8) {
        #expect(client.send([byte]))
        try await Task.sleep(for: .milliseconds(100))
      }
      #expect(!log.isLost)
      let stopped = ContinuousClock.now
      let (_, ended) = await client.receiveAll()
      let waited = ContinuousClock.now - stopped
      #expect(ended)
      #expect(waited >= .milliseconds(250))
      #expect(await eventually { log.isLost })
      #expect(log.bytes == Array("slowly".utf8))
      #expect(log.lifecycle == [.made, .lost(nil)])
      server.close()
      await server.waitClosed()
      #expect(await eventually { serverSockets(port: port) == 0 })
    }
  }

  @Test func aTimeoutTouchedOnlyByWholeMessagesClosesAPeerThatDribblesAnEndlessLine() async throws {
    try await withLoop { loop in
      let log = ProbeLog()
      let stack = try CodecStack(parsing: "line")
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        stack.wrap(TimedServer(log: log, timeout: .milliseconds(300), countsBytes: false))
      }
      let port = server.port!
      let client = try #require(RawSocket(connectingTo: server.addresses[0]))
      #expect(client.send(Array("complete\n".utf8)))
      // Bytes keep coming, but no line ever completes: the server closes within a few bytes.
      var sent = 0
      while !log.isLost && sent < 20 {
        client.send([0x78])
        sent += 1
        try await Task.sleep(for: .milliseconds(100))
      }
      #expect(await eventually { log.isLost })
      #expect(sent < 10)
      #expect(log.bytes == Array("complete".utf8))
      #expect(log.lifecycle == [.made, .lost(nil)])
      server.close()
      await server.waitClosed()
      #expect(await eventually { serverSockets(port: port) == 0 })
    }
  }
}
