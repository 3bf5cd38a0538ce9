import EddyProtocols
import EddyReactor
import EddyTLS
import EddyTestSupport
import EddyTesting
import EddyTransports
import Testing

/// Nothing outlives its connection: layers, their OpenSSL state and the protocols above are
/// freed once `connectionLost` has run.
@Suite struct LifetimeTests {
  /// Weak references to layers; touched on the loop's thread only.
  private final class Tracked: @unchecked Sendable {
    private struct Entry {
      weak var layer: TLSLayer?
    }
    private var entries: [Entry] = []

    func track(_ layer: TLSLayer) -> TLSLayer {
      entries.append(Entry(layer: layer))
      return layer
    }

    var count: Int { entries.count }
    var alive: Int { entries.filter { $0.layer != nil }.count }
  }

  @Test func layersAreFreedAfterTheirConnectionsEnd() async throws {
    try await withLoop { loop in
      let tracked = Tracked()
      let serverContext = try Contexts.server()
      let clientContext = try Contexts.client()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        tracked.track(TLSLayer(context: serverContext, protocol: Echo()))
      }
      defer { server.close() }
      let connections = 20
      let log = ProbeLog()
      for _ in 0..<connections {
        try await connect(loop, port: server.port!) {
          let probe = Probe(log: log)
          probe.onMade = { $0.transport!.write("ping") }
          probe.onData = { probe, _ in probe.transport!.close() }
          return tracked.track(TLSLayer(context: clientContext, protocol: probe))
        }
      }
      #expect(
        await eventually {
          log.events.filter { if case .lost = $0 { true } else { false } }.count == connections
        })
      #expect(await eventually { server.connectionCount == 0 })
      #expect(try await loop.submit { tracked.count } == 2 * connections)
      // The last callbacks run on the loop; give it a few turns to let go.
      var alive = -1
      for _ in 0..<200 where alive != 0 {
        alive = try await loop.submit { tracked.alive }
        try await Task.sleep(for: .milliseconds(5))
      }
      #expect(alive == 0)
    }
  }

  @Test func aLayerWhoseHandshakeFailedIsFreed() throws {
    let clock = ManualClock()
    weak var weakLayer: TLSLayer?
    do {
      let certificates = TestCertificates.shared
      let context = try TLSContext(
        .client(caPath: certificates.path("ca.pem"), serverName: "localhost", timer: clock.timer))
      let failures = FailureLog()
      let layer = TLSLayer(
        context: context, protocol: RecordingProtocol(), onHandshakeFailure: failures.handler)
      weakLayer = layer
      let pair = InMemoryTransport.pair(layer, RecordingProtocol())
      pair.run()
      clock.advance(by: .seconds(60))
      pair.run()
      #expect(failures.all == [.handshakeTimeout])
    }
    #expect(weakLayer == nil)
  }
}
