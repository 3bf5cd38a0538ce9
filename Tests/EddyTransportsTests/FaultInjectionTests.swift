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

/// Writes `total` bytes as fast as the transport lets it, then closes: stops on `pauseWriting`,
/// goes on at `resumeWriting`, and records the largest write buffer it saw. It starts at once,
/// or, with `waitsForEOF`, once the peer has half-closed (keeping the connection half-open).
final class Producer: StreamProtocol {
  static let byte: UInt8 = 0x61
  let log: ProbeLog
  let total: Int
  let waitsForEOF: Bool
  let chunk = ByteBuffer(bytes: [UInt8](repeating: Producer.byte, count: 64 * 1024))
  var transport: (any StreamTransport)?
  private(set) var written = 0
  private var paused = false
  private let peak: Locked<Int>

  init(log: ProbeLog, total: Int, peak: Locked<Int> = Locked(0), waitsForEOF: Bool = false) {
    self.log = log
    self.total = total
    self.peak = peak
    self.waitsForEOF = waitsForEOF
  }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    log.record(.made)
    if !waitsForEOF { produce() }
  }

  func dataReceived(_ data: ByteBuffer) { log.record(data) }

  func pauseWriting() {
    log.record(.pause)
    paused = true
  }

  func resumeWriting() {
    log.record(.resume)
    paused = false
    produce()
  }

  func eofReceived() -> Bool {
    log.record(.eof)
    if waitsForEOF { produce() }
    return true
  }

  func connectionLost(_ error: (any Error)?) {
    log.recordLost(error)
    transport = nil
  }

  private func produce() {
    while !paused, written < total, let transport, !transport.isClosing {
      transport.write(chunk)
      written += chunk.readableBytes
      let size = transport.writeBufferSize
      peak.withLock { $0 = max($0, size) }
    }
    if written >= total { transport?.close() }
  }
}

/// Faults a peer or the process inflicts on connections: each must end in exactly one
/// `connectionLost` with the right error, and leave no descriptor behind.
@Suite struct FaultInjectionTests {
  @Test func aPeerResetWhileALargeWriteIsInFlightEndsTheWriterOnceWithTheReset() async throws {
    try await withLoop { loop in
      let log = ProbeLog()
      let peak = Locked(0)
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        Producer(log: log, total: 256 * 1024 * 1024, peak: peak)
      }
      let port = server.port!
      var client = RawSocket(connectingTo: server.addresses[0], receiveBuffer: 4096)
      #expect(client != nil)
      // The server has written all the kernel takes and queued more when the peer resets.
      #expect(await eventually { peak.withLock { $0 } > 0 })
      client?.resetOnClose()
      client = nil
      #expect(await eventually { log.isLost })
      #expect(log.losses == [.lost(ECONNRESET)] || log.losses == [.lost(EPIPE)])
      #expect(log.lifecycle.first == .made)
      server.close()
      await server.waitClosed()
      #expect(await eventually { serverSockets(port: port) == 0 })
    }
  }

  @Test func aPeerThatNeverReadsPausesTheWriterAndItsBufferStaysNearTheHighMark() async throws {
    try await withLoop { loop in
      let log = ProbeLog()
      let peak = Locked(0)
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        Producer(log: log, total: 1024 * 1024 * 1024, peak: peak)
      }
      let port = server.port!
      var client = RawSocket(connectingTo: server.addresses[0], receiveBuffer: 4096)
      #expect(client != nil)
      #expect(await eventually { log.events.contains(.pause) })
      // Give a writer that ignored the pause time to pile up memory.
      try await Task.sleep(for: .milliseconds(300))
      let high = WriteBufferLimits.defaultHigh
      // Paused once, never resumed: the buffer went over the high mark by at most one write.
      #expect(log.lifecycle == [.made, .pause])
      #expect(peak.withLock { $0 } <= high + 64 * 1024)
      client?.resetOnClose()
      client = nil
      #expect(await eventually { log.isLost })
      #expect(log.losses.count == 1)
      server.close()
      await server.waitClosed()
      #expect(await eventually { serverSockets(port: port) == 0 })
    }
  }

  @Test func aPeerThatHalfClosesStillReadsEverythingWrittenAfterItsEOF() async throws {
    try await withLoop { loop in
      let log = ProbeLog()
      let total = 8 * 1024 * 1024
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        Producer(log: log, total: total, waitsForEOF: true)
      }
      let port = server.port!
      let client = try #require(RawSocket(connectingTo: server.addresses[0]))
      #expect(client.send(Array("request".utf8)))
      client.shutdownWrite()
      let (bytes, ended) = await client.receiveAll()
      #expect(ended)
      #expect(bytes.count == total)
      #expect(bytes.allSatisfy { $0 == Producer.byte })
      #expect(log.bytes == Array("request".utf8))
      #expect(await eventually { log.isLost })
      #expect(log.lifecycle.first == .made)
      #expect(log.lifecycle.contains(.eof))
      #expect(log.lifecycle.last == .lost(nil))
      #expect(log.losses.count == 1)
      server.close()
      await server.waitClosed()
      #expect(await eventually { serverSockets(port: port) == 0 })
    }
  }

  @Test func shuttingTheGroupDownWithLiveConnectionsEndsEachOnceAndClosesEverySocket() async throws {
    let serverGroup = try EventLoopGroup(loops: 2, name: "doomed")
    let logs = Locked<[ProbeLog]>([])
    let server = try serverGroup.createServer(host: "127.0.0.1", port: 0) {
      let log = ProbeLog()
      logs.withLock { $0.append(log) }
      let probe = Probe(log: log)
      // Every connection has unsent bytes queued when the loops go away.
      probe.onMade = { $0.transport!.write(ByteBuffer(bytes: [UInt8](repeating: 1, count: 4 * 1024 * 1024))) }
      return probe
    }
    let port = server.port!
    let clients = (0..<10).compactMap { _ in RawSocket(connectingTo: server.addresses[0], receiveBuffer: 4096)
    }
    #expect(clients.count == 10)
    #expect(await eventually { logs.withLock { $0.count } == 10 && server.connectionCount == 10 })
    serverGroup.shutdown()
    let ended = logs.withLock { $0 }
    #expect(ended.allSatisfy { $0.lifecycle.first == .made && $0.losses == [.lost(nil)] })
    #expect(server.connectionCount == 0)
    // Only the clients' ends remain; each sees its connection end.
    #expect(serverSockets(port: port) == 0)
    for client in clients { #expect(await client.receiveAll().ended) }
  }
}
