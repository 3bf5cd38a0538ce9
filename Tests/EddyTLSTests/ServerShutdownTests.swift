import EddyProtocols
import EddyReactor
import EddyTLS
import EddyTLSReactor
import EddyTestSupport
import EddyTransports
import Testing

/// `Server.shutdown(gracePeriod:)`: what was written still goes out, TLS connections end with
/// close_notify, and what cannot drain is aborted at the deadline.
@Suite struct ServerShutdownTests {
  @Test func aTLSClientGetsItsEchoAndACleanCloseNotify() async throws {
    try await withLoop { loop in
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0,
        protocolFactory: TLSLayer.factory(context: try Contexts.server()) { Echo() })
      let log = ProbeLog()
      try await connect(
        loop, port: server.port!,
        TLSLayer.factory(context: try Contexts.client()) {
          let probe = Probe(log: log)
          probe.onMade = { $0.transport!.write("last words") }
          return probe
        })
      #expect(await eventually { log.byteCount == 10 })
      let start = ContinuousClock.now
      await server.shutdown(gracePeriod: .seconds(5))
      #expect(ContinuousClock.now - start < .seconds(3))
      #expect(await eventually { log.isLost })
      // close_notify came first: the client's end is clean, not TLSError.uncleanShutdown.
      #expect(log.losses == [.lost(nil)])
      #expect(String(decoding: log.bytes, as: UTF8.self) == "last words")
    }
  }

  @Test func aConnectionThatCannotDrainIsAbortedAtTheDeadline() async throws {
    try await withLoop { loop in
      // Echoes a flood to a peer that never reads: its writes cannot drain.
      let server = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      let silent = ProbeLog()
      try await connect(loop, port: server.port!) {
        let probe = Probe(log: silent)
        probe.onMade = { probe in
          probe.transport!.pauseReading()
          probe.transport!.write(ByteBuffer(bytes: [UInt8](repeating: 7, count: 16 << 20)))
        }
        return probe
      }
      #expect(await eventually { server.connectionCount == 1 })
      try await Task.sleep(for: .milliseconds(200))
      let start = ContinuousClock.now
      let done = Locked(false)
      server.shutdown(gracePeriod: .milliseconds(300)) { done.withLock { $0 = true } }
      #expect(await eventually { done.withLock { $0 } })
      let took = ContinuousClock.now - start
      #expect(took >= .milliseconds(250) && took < .seconds(3), "took \(took)")
      #expect(server.connectionCount == 0)
    }
  }
}
