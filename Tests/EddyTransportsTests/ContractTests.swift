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

/// The protocol contract, rule by rule, over real loopback sockets.
@Suite struct ContractTests {
  @Test func madeAndLostComeExactlyOnceAndEverythingElseBetween() async throws {
    try await withLoop { loop in
      let serverLog = ProbeLog()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        let probe = Probe(log: serverLog)
        probe.onData = { probe, data in probe.transport!.write(data) }
        return probe
      }
      defer { server.close() }
      let clientLog = ProbeLog()
      try await connect(loop, to: server.addresses[0]) {
        let probe = Probe(log: clientLog)
        probe.onMade = { $0.transport!.write("ping") }
        probe.onData = { probe, _ in probe.transport!.close() }
        return probe
      }
      #expect(await eventually { clientLog.isLost && serverLog.isLost })
      try await Task.sleep(for: .milliseconds(50))
      for log in [clientLog, serverLog] {
        #expect(log.events.first == .made)
        #expect(log.events.last == .lost(nil))
        #expect(log.events.filter { $0 == .made }.count == 1)
        #expect(log.events.filter { $0 == .lost(nil) }.count == 1)
      }
      #expect(clientLog.bytes == Array("ping".utf8))
      #expect(serverLog.lifecycle == [.made, .eof, .lost(nil)])
    }
  }

  @Test func eofReturningFalseClosesTheTransport() async throws {
    try await withLoop { loop in
      let serverLog = ProbeLog()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) { Probe(log: serverLog) }
      defer { server.close() }
      let clientLog = ProbeLog()
      try await connect(loop, to: server.addresses[0]) {
        let probe = Probe(log: clientLog)
        probe.onMade = { probe in
          probe.transport!.write("last words")
          probe.transport!.writeEOF()
        }
        probe.onEOF = { _ in true }
        return probe
      }
      #expect(await eventually { serverLog.isLost && clientLog.events.contains(.eof) })
      #expect(serverLog.lifecycle == [.made, .eof, .lost(nil)])
      #expect(serverLog.bytes == Array("last words".utf8))
      #expect(clientLog.lifecycle == [.made, .eof])
    }
  }

  @Test func eofReturningTrueKeepsTheConnectionHalfOpen() async throws {
    try await withLoop { loop in
      let serverLog = ProbeLog()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        let probe = Probe(log: serverLog)
        probe.onEOF = { probe in
          // Still writable after the peer's EOF; reply later, then close.
          let transport = probe.transport!
          EventLoop.current!.callLater(after: .milliseconds(20)) {
            transport.write("reply after eof")
            transport.close()
          }
          return true
        }
        return probe
      }
      defer { server.close() }
      let clientLog = ProbeLog()
      try await connect(loop, to: server.addresses[0]) {
        let probe = Probe(log: clientLog)
        probe.onMade = { probe in
          probe.transport!.write("request")
          probe.transport!.writeEOF()
        }
        return probe
      }
      #expect(await eventually { clientLog.isLost && serverLog.isLost })
      #expect(clientLog.bytes == Array("reply after eof".utf8))
      #expect(clientLog.lifecycle == [.made, .eof, .lost(nil)])
      #expect(serverLog.lifecycle == [.made, .eof, .lost(nil)])
      let events = serverLog.events
      let eofIndex = events.firstIndex(of: .eof)!
      #expect(!events[eofIndex...].contains { if case .data = $0 { true } else { false } })
    }
  }

  @Test func pauseReadingFromConnectionMadeHoldsEveryByteUntilResumed() async throws {
    try await withLoop { loop in
      let serverLog = ProbeLog()
      let made = Made<Probe>()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        let probe = made.add(Probe(log: serverLog))
        probe.onMade = { probe in
          probe.transport!.pauseReading()
          probe.transport!.pauseReading()
        }
        return probe
      }
      defer { server.close() }
      try await connect(loop, to: server.addresses[0]) {
        let probe = Probe(log: ProbeLog())
        probe.onMade = { $0.transport!.write(ByteBuffer(bytes: [UInt8](repeating: 1, count: 100_000))) }
        return probe
      }
      try await Task.sleep(for: .milliseconds(100))
      #expect(serverLog.bytes.isEmpty)
      let reading = try await loop.submit { made.items[0].transport!.isReading }
      #expect(!reading)
      try await loop.submit { made.items[0].transport!.resumeReading() }
      #expect(await eventually { serverLog.byteCount == 100_000 })
    }
  }

  @Test func pauseReadingInsideDataReceivedStopsFurtherData() async throws {
    try await withLoop { loop in
      let serverLog = ProbeLog()
      let made = Made<Probe>()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        let probe = made.add(Probe(log: serverLog))
        probe.onData = { probe, _ in probe.transport!.pauseReading() }
        return probe
      }
      defer { server.close() }
      let clientLog = ProbeLog()
      let made2 = Made<Probe>()
      try await connect(loop, to: server.addresses[0]) {
        let probe = made2.add(Probe(log: clientLog))
        probe.onMade = { $0.transport!.write("first") }
        return probe
      }
      #expect(await eventually { serverLog.byteCount == 5 })
      try await loop.submit { made2.items[0].transport!.write("second") }
      try await Task.sleep(for: .milliseconds(100))
      #expect(serverLog.byteCount == 5)
      try await loop.submit {
        made.items[0].onData = nil
        made.items[0].transport!.resumeReading()
      }
      #expect(await eventually { serverLog.byteCount == 11 })
    }
  }

  @Test(arguments: [(65_536, 16_384), (0, 0), (4096, 0), (100_000, 100_000)])
  func pauseAndResumeWritingArePairedOverASocket(high: Int, low: Int) async throws {
    try await withLoop { loop in
      let made = Made<Probe>()
      let received = ProbeLog()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        let probe = made.add(Probe(log: received))
        probe.onMade = { $0.transport!.pauseReading() }
        return probe
      }
      defer { server.close() }
      let clientLog = ProbeLog()
      let clients = Made<Probe>()
      try await connect(loop, to: server.addresses[0]) {
        let probe = clients.add(Probe(log: clientLog))
        probe.onMade = { $0.transport!.setWriteBufferLimits(high: high, low: low) }
        return probe
      }
      let chunk = ByteBuffer(bytes: [UInt8](repeating: 9, count: 64 * 1024))
      var written = 0
      for _ in 0..<3 {
        // Fill until the client pauses (bounded: at most 64 MiB per round).
        let pausesBefore = clientLog.events.filter { $0 == .pause }.count
        var rounds = 0
        while clientLog.events.filter({ $0 == .pause }).count == pausesBefore && rounds < 1024 {
          let sizes = try await loop.submit { () -> (Int, Int) in
            let transport = clients.items[0].transport!
            transport.write(chunk)
            return (transport.writeBufferSize, transport.writeBufferLimits.high)
          }
          written += chunk.readableBytes
          rounds += 1
          if sizes.0 > sizes.1 { break }
        }
        let bufferAtPause = try await loop.submit { clients.items[0].transport!.writeBufferSize }
        #expect(bufferAtPause > high)
        // Let the server read everything; the client drains and resumes once.
        try await loop.submit { made.items[0].transport!.resumeReading() }
        #expect(await eventually { clientLog.events.last == .resume })
        #expect(await eventually { received.byteCount == written })
        try await loop.submit { made.items[0].transport!.pauseReading() }
      }
      #expect(clientLog.lifecycle == [.made, .pause, .resume, .pause, .resume, .pause, .resume])
    }
  }

  @Test func theBufferReachingExactlyTheHighMarkDoesNotPause() async throws {
    try await withLoop { loop in
      let made = Made<Probe>()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        let probe = made.add(Probe(log: ProbeLog()))
        probe.onMade = { $0.transport!.pauseReading() }
        return probe
      }
      defer { server.close() }
      let clientLog = ProbeLog()
      let clients = Made<Probe>()
      try await connect(loop, to: server.addresses[0]) { clients.add(Probe(log: clientLog)) }
      // Fill the kernel's buffers until a write is queued, then set the high mark to exactly
      // the queued size and add nothing: no pause. One more byte: pause.
      let outcome = try await loop.submit { () -> (Bool, Bool) in
        let transport = clients.items[0].transport!
        transport.setWriteBufferLimits(high: 1 << 30, low: 0)
        var rounds = 0
        while transport.writeBufferSize == 0 && rounds < 4096 {
          transport.write(ByteBuffer(bytes: [UInt8](repeating: 1, count: 65_536)))
          rounds += 1
        }
        transport.setWriteBufferLimits(high: transport.writeBufferSize, low: 0)
        let pausedAtEqual = clientLog.events.contains(.pause)
        transport.write([1])
        return (pausedAtEqual, clientLog.events.contains(.pause))
      }
      #expect(outcome == (false, true))
    }
  }
}
