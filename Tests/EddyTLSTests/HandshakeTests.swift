import EddyProtocols
import EddyReactor
import EddyTLS
import EddyTestSupport
import EddyTransports
import Testing

/// Eddy's TLS client against Eddy's TLS server over loopback TCP.
@Suite struct HandshakeTests {
  @Test(arguments: [TLSVersion.tls12, .tls13])
  func echoAfterHandshakeOnEachVersion(version: TLSVersion) async throws {
    try await withLoop { loop in
      let serverContext = try Contexts.server()
      let clientContext = try Contexts.client { $0.maximumVersion = version }
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, protocolFactory: TLSLayer.factory(context: serverContext) { Echo() })
      defer { server.close() }
      let log = ProbeLog()
      let seen = Made<Probe>()
      try await connect(
        loop, port: server.port!,
        TLSLayer.factory(context: clientContext) {
          let probe = seen.add(Probe(log: log))
          probe.onMade = { $0.transport!.write("hello over TLS") }
          probe.onData = { probe, _ in
            if probe.log.byteCount == 14 { probe.transport!.close() }
          }
          return probe
        })
      #expect(await eventually { log.isLost })
      #expect(log.string == "hello over TLS")
      #expect(log.lifecycle == [.made, .lost(nil)])
      let negotiated = try await loop.submit { seen.items[0].negotiatedVersion }
      #expect(negotiated == version)
    }
  }

  @Test func applicationProtocolIsAgreed() async throws {
    try await withLoop { loop in
      let serverContext = try Contexts.server { $0.applicationProtocols = ["eddy/2", "eddy/1"] }
      let clientContext = try Contexts.client { $0.applicationProtocols = ["eddy/1", "eddy/2"] }
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, protocolFactory: TLSLayer.factory(context: serverContext) { Echo() })
      defer { server.close() }
      let log = ProbeLog()
      let seen = Made<Probe>()
      try await connect(
        loop, port: server.port!,
        TLSLayer.factory(context: clientContext) {
          let probe = seen.add(Probe(log: log))
          probe.onMade = { $0.transport!.close() }
          return probe
        })
      #expect(await eventually { log.isLost })
      // The server's preference wins.
      let agreed = try await loop.submit { seen.items[0].negotiatedALPN }
      #expect(agreed == "eddy/2")
    }
  }

  @Test(arguments: [TLSVersion.tls12, .tls13])
  func clientResumesItsSession(version: TLSVersion) async throws {
    try await withLoop { loop in
      let serverContext = try Contexts.server()
      let clientContext = try Contexts.client { $0.maximumVersion = version }
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, protocolFactory: TLSLayer.factory(context: serverContext) { Echo() })
      defer { server.close() }
      var reused: [Bool] = []
      for _ in 0..<2 {
        let log = ProbeLog()
        let seen = Made<Probe>()
        try await connect(
          loop, port: server.port!,
          TLSLayer.factory(context: clientContext) {
            let probe = seen.add(Probe(log: log))
            // A round trip, so the TLS 1.3 session ticket has arrived before closing.
            probe.onMade = { $0.transport!.write("ping") }
            probe.onData = { probe, _ in probe.transport!.close() }
            return probe
          })
        #expect(await eventually { log.isLost })
        reused.append(try await loop.submit { seen.items[0].isSessionReused })
      }
      #expect(reused == [false, true])
    }
  }
}

extension ProbeLog {
  /// The bytes received, as UTF-8.
  var string: String { String(decoding: bytes, as: UTF8.self) }
}

extension Probe {
  /// The ALPN protocol the probe's layer agreed on.
  var negotiatedALPN: String? { layer?.negotiatedApplicationProtocol }
  /// The version the probe's layer speaks.
  var negotiatedVersion: TLSVersion? { layer?.negotiatedVersion }
  /// Whether the probe's layer resumed a session.
  var isSessionReused: Bool { layer?.isSessionReused ?? false }
}
