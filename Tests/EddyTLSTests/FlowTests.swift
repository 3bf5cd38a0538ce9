import EddyProtocols
import EddyReactor
import EddyTLS
import EddyTestSupport
import EddyTransports
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Bulk data, flow control across the layer, and TLS over other transports and protocols.
@Suite struct FlowTests {
  private func echoServer(_ loop: EventLoop) throws -> Server {
    try loop.createServer(
      host: "127.0.0.1", port: 0, protocolFactory: TLSLayer.factory(context: try Contexts.server()) { Echo() }
    )
  }

  @Test func tenMebibytesEchoInOrder() async throws {
    try await withLoop { loop in
      let server = try echoServer(loop)
      defer { server.close() }
      let payload = (0..<(10 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
      let log = ProbeLog()
      try await connect(
        loop, port: server.port!,
        TLSLayer.factory(context: try Contexts.client()) {
          let probe = Probe(log: log)
          probe.onMade = { probe in
            // Many writes of odd sizes, so records and reads are chunked arbitrarily.
            var offset = 0
            var step = 1
            while offset < payload.count {
              let end = min(payload.count, offset + step)
              probe.transport!.write(ByteBuffer(bytes: payload[offset..<end]))
              offset = end
              step = step % 65_521 + 977
            }
          }
          probe.onData = { probe, _ in
            if probe.log.byteCount == payload.count { probe.transport!.close() }
          }
          return probe
        })
      #expect(await eventually(within: 60) { log.isLost })
      #expect(log.byteCount == payload.count)
      #expect(log.bytes == payload)
      #expect(log.lifecycle.last == .lost(nil))
    }
  }

  /// Writes `total` bytes in 64 KiB chunks, stopping while paused, then closes. Byte `i` of
  /// the stream is `i % 256`.
  private final class Producer: @unchecked Sendable {
    static let chunk = ByteBuffer(bytes: (0..<(64 * 1024)).map { UInt8(truncatingIfNeeded: $0) })
    let total: Int
    var sent = 0
    var paused = false
    var largestBuffer = 0

    init(total: Int) { self.total = total }

    func produce(_ transport: any StreamTransport) {
      while !paused && sent < total {
        transport.write(Self.chunk)
        sent += Self.chunk.readableBytes
        largestBuffer = max(largestBuffer, transport.writeBufferSize)
      }
      if sent == total { transport.close() }
    }
  }

  @Test func aPeerThatDoesNotReadPausesTheWriterAboveTheLayer() async throws {
    try await withLoop { loop in
      let total = 24 * 1024 * 1024
      let producer = Producer(total: total)
      let serverLog = ProbeLog()
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0,
        protocolFactory: TLSLayer.factory(context: try Contexts.server()) {
          let probe = Probe(log: serverLog)
          probe.onMade = { producer.produce($0.transport!) }
          probe.onPause = { _ in producer.paused = true }
          probe.onResume = { probe in
            producer.paused = false
            producer.produce(probe.transport!)
          }
          return probe
        })
      defer { server.close() }
      let clientLog = ProbeLog()
      let client = Made<Probe>()
      try await connect(
        loop, port: server.port!,
        TLSLayer.factory(context: try Contexts.client()) {
          let probe = client.add(Probe(log: clientLog, keepBytes: false))
          probe.onMade = { $0.transport!.pauseReading() }
          var offset = 0
          probe.onData = { probe, data in
            // In order: byte i is i % 256 (checked at each piece's ends).
            let last = data.readableBytes - 1
            if data.getByte(at: 0) != UInt8(truncatingIfNeeded: offset)
              || data.getByte(at: last) != UInt8(truncatingIfNeeded: offset + last)
            {
              Issue.record("out of order at byte \(offset)")
              probe.transport!.abort()
            }
            offset += data.readableBytes
          }
          return probe
        })
      #expect(await eventually { serverLog.events.contains(.pause) })
      let (sentWhilePaused, largest) = try await loop.submit { (producer.sent, producer.largestBuffer) }
      // The kernel's buffers hold some megabytes; the layers above hold little.
      #expect(sentWhilePaused < total, "never paused: the test needs more data than the kernel buffers")
      #expect(largest < 512 * 1024, "the writer's buffer grew to \(largest) bytes")
      #expect(clientLog.byteCount == 0, "data arrived while reading was paused")
      try await loop.submit { client.items[0].transport!.resumeReading() }
      #expect(await eventually(within: 60) { clientLog.isLost })
      #expect(clientLog.byteCount == total)
      #expect(clientLog.lifecycle == [.made, .eof, .lost(nil)])
      #expect(
        serverLog.lifecycle.filter { $0 == .pause }.count
          == serverLog.lifecycle.filter { $0 == .resume }.count)
    }
  }

  @Test func startTLSUpgradesAPlainConnectionInPlace() async throws {
    try await withLoop { loop in
      let serverContext = try Contexts.server()
      let clientContext = try Contexts.client()
      let secureServerLog = ProbeLog()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        let plain = Probe(log: ProbeLog())
        plain.onData = { plain, data in
          guard data.string == "STARTTLS\n" else { return }
          plain.transport!.write("OK\n")
          let secure = Probe(log: secureServerLog)
          secure.onData = { probe, data in probe.transport!.write(data) }
          TLSLayer.startTLS(on: plain.transport!, context: serverContext, protocol: secure)
        }
        return plain
      }
      defer { server.close() }
      let secureLog = ProbeLog()
      try await connect(loop, port: server.port!) {
        let plain = Probe(log: ProbeLog())
        plain.onMade = { $0.transport!.write("STARTTLS\n") }
        plain.onData = { plain, data in
          guard data.string == "OK\n" else { return }
          let secure = Probe(log: secureLog)
          secure.onMade = { $0.transport!.write("secret") }
          secure.onData = { probe, _ in
            if probe.log.byteCount == 6 { probe.transport!.close() }
          }
          TLSLayer.startTLS(on: plain.transport!, context: clientContext, protocol: secure)
        }
        return plain
      }
      #expect(await eventually { secureLog.isLost && secureServerLog.isLost })
      #expect(secureLog.string == "secret")
      #expect(secureLog.lifecycle == [.made, .lost(nil)])
      #expect(secureServerLog.lifecycle == [.made, .eof, .lost(nil)])
    }
  }

  /// Receives into a small buffer of its own, so plaintext arrives in many small pieces.
  private final class SmallBufferReader: BufferedStreamProtocol {
    let log: ProbeLog
    var transport: (any StreamTransport)?
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 100, alignment: 1)

    init(log: ProbeLog) { self.log = log }
    deinit { storage.deallocate() }

    func connectionMade(_ transport: any StreamTransport) {
      self.transport = transport
      log.record(.made)
      transport.write("through a unix socket")
    }

    func getBuffer(sizeHint: Int) -> UnsafeMutableRawBufferPointer { storage }

    func bufferUpdated(_ count: Int) {
      log.record(ByteBuffer(bytes: storage[..<count]), keepBytes: true)
      if log.byteCount == 21 { transport?.close() }
    }

    func connectionLost(_ error: (any Error)?) { log.recordLost(error) }
  }

  @Test func runsOverAUnixSocketForABufferedProtocol() async throws {
    try await withLoop { loop in
      let path = "/tmp/eddy-tls-\(getpid()).sock"
      let server = try loop.createUnixServer(
        path: path, protocolFactory: TLSLayer.factory(context: try Contexts.server()) { Echo() })
      defer {
        server.close()
        unlink(path)
      }
      let log = ProbeLog()
      // A Unix socket has no address to check, so the client names the server.
      let context = try Contexts.client(serverName: "localhost")
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        loop.execute {
          loop.createUnixConnection(
            path: path, protocolFactory: TLSLayer.factory(context: context) { SmallBufferReader(log: log) }
          ) { result in
            continuation.resume(with: result.map { _ in () }.mapError { $0 as any Error })
          }
        }
      }
      #expect(await eventually { log.isLost })
      #expect(log.string == "through a unix socket")
      #expect(log.lifecycle == [.made, .lost(nil)])
    }
  }
}
