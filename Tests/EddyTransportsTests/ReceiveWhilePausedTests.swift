import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

/// On io_uring the kernel receives on its own, so bytes can arrive after `pauseReading()`: the
/// transport holds them back. On both backends: no `dataReceived` while paused, every byte in
/// order, no chunk larger than one read.
@Suite struct ReceiveWhilePausedTests {
  @Test(arguments: offeredBackends)
  func bytesThatArriveWhilePausedWaitForResumeInOrder(backend: EventLoopBackend) async throws {
    try await withLoop(backend: backend) { loop in
      let total = 2 * 1024 * 1024
      let serverLog = ProbeLog()
      let violations = Locked(0)
      let made = Made<Probe>()
      // The server pauses after every chunk; the test resumes it, over and over.
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        let probe = made.add(Probe(log: serverLog))
        probe.onData = { probe, _ in
          if !probe.transport!.isReading { violations.withLock { $0 += 1 } }
          probe.transport!.pauseReading()
        }
        return probe
      }
      defer { server.close() }
      let pattern = (0..<total).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
      try await connect(loop, to: server.addresses[0]) {
        let probe = Probe(log: ProbeLog())
        probe.onMade = { $0.transport!.write(ByteBuffer(bytes: pattern)) }
        return probe
      }
      #expect(await eventually { serverLog.byteCount > 0 })
      let start = ContinuousClock.now
      for _ in 0..<20_000 where serverLog.byteCount < total && ContinuousClock.now - start < .seconds(30) {
        try await loop.submit { made.items[0].transport!.resumeReading() }
        try await Task.sleep(for: .microseconds(200))
      }
      #expect(serverLog.byteCount == total)
      #expect(serverLog.bytes == pattern)
      #expect(violations.withLock { $0 } == 0)
      let largest = serverLog.events.compactMap { if case .data(let count) = $0 { count } else { nil } }.max()
      #expect(largest.map { $0 <= 64 * 1024 } == true)
    }
  }
}
