import EddyProtocols
import EddyReactor
import EddyTLS
import EddyTestSupport
import EddyTransports
import Testing

/// Python's `ssl` module as the peer, client and server.
@Suite(.serialized) struct PythonInteropTests {
  let certificates = TestCertificates.shared

  /// Serves one probe per connection, over TLS with `context`.
  private func serve(
    _ loop: EventLoop, _ context: TLSContext, failures: FailureLog = FailureLog(),
    _ setUp: @escaping @Sendable (Probe) -> Void
  ) throws -> (Server, ProbeLog) {
    let log = ProbeLog()
    let server = try loop.createServer(
      host: "127.0.0.1", port: 0,
      protocolFactory: TLSLayer.factory(context: context, onHandshakeFailure: failures.handler) {
        let probe = Probe(log: log)
        setUp(probe)
        return probe
      })
    return (server, log)
  }

  @Test(arguments: [false, true])
  func pythonClientGetsItsEchoAndClosesWithCloseNotify(tls12: Bool) async throws {
    try await withLoop { loop in
      let (server, log) = try serve(loop, try Contexts.server()) { probe in
        probe.onData = { probe, data in probe.transport!.write(data) }
      }
      defer { server.close() }
      let client = try pythonPeer(
        [
          "client", "--port", "\(server.port!)", "--ca", certificates.path("ca.pem"), "--server-name",
          "localhost", "--send", "hello python", "--expect-echo", "--close", "unwrap",
        ] + (tls12 ? ["--tls12"] : []))
      #expect(await client.wait(seconds: 10) == 0, "\(client.standardOutput)")
      #expect(client.lines.contains(tls12 ? "version TLSv1.2" : "version TLSv1.3"))
      #expect(client.lines.contains("echoed 12"))
      #expect(client.lines.contains("closed clean"))
      #expect(await eventually { log.isLost })
      #expect(log.lifecycle == [.made, .eof, .lost(nil)])
      #expect(log.string == "hello python")
    }
  }

  @Test func pythonClientLeavingWithoutCloseNotifyIsAnUncleanShutdown() async throws {
    try await withLoop { loop in
      let (server, log) = try serve(loop, try Contexts.server()) { _ in }
      defer { server.close() }
      let client = try pythonPeer([
        "client", "--port", "\(server.port!)", "--ca", certificates.path("ca.pem"), "--server-name",
        "localhost", "--send", "last words", "--close", "vanish",
      ])
      #expect(await client.wait(seconds: 10) == 0, "\(client.standardOutput)")
      #expect(await eventually { log.isLost })
      // Every byte before the truncation is delivered; the end is an error, not an EOF.
      #expect(log.string == "last words")
      #expect(log.lifecycle == [.made, .lost(.uncleanShutdown)])
    }
  }

  @Test func eddyServerClosingSendsCloseNotifyToPython() async throws {
    try await withLoop { loop in
      let (server, log) = try serve(loop, try Contexts.server()) { probe in
        probe.onMade = { probe in
          probe.transport!.write("bye")
          probe.transport!.close()
        }
      }
      defer { server.close() }
      let client = try pythonPeer([
        "client", "--port", "\(server.port!)", "--ca", certificates.path("ca.pem"), "--server-name",
        "localhost", "--close", "wait",
      ])
      #expect(await client.wait(seconds: 10) == 0, "\(client.standardOutput)")
      // Python reads with ragged EOFs reported as errors, so this needs a real close_notify.
      #expect(client.lines.contains("received bye"))
      #expect(client.lines.contains("peer closed clean"))
      #expect(await eventually { log.isLost })
      #expect(log.lifecycle == [.made, .lost(nil)])
    }
  }

  @Test func serverSelectsTheApplicationProtocol() async throws {
    try await withLoop { loop in
      let context = try Contexts.server { configuration in
        configuration.applicationProtocolSelector = { offered in offered.last }
      }
      let (server, log) = try serve(loop, context) { _ in }
      defer { server.close() }
      let client = try pythonPeer([
        "client", "--port", "\(server.port!)", "--ca", certificates.path("ca.pem"), "--server-name",
        "localhost", "--alpn", "h2,eddy/1",
      ])
      #expect(await client.wait(seconds: 10) == 0, "\(client.standardOutput)")
      #expect(client.lines.contains("alpn eddy/1"))
      #expect(await eventually { log.isLost })
    }
  }

  @Test func pythonRejectingTheServerCertificateIsAHandshakeFailureWithoutCallbacks() async throws {
    try await withLoop { loop in
      let failures = FailureLog()
      let (server, log) = try serve(loop, try Contexts.server("rogue"), failures: failures) { _ in }
      defer { server.close() }
      let client = try pythonPeer([
        "client", "--port", "\(server.port!)", "--ca", certificates.path("ca.pem"), "--server-name",
        "localhost",
      ])
      #expect(await client.wait(seconds: 10) == 1)
      #expect(
        client.lines.contains { $0.hasPrefix("error SSLCertVerificationError") }, "\(client.standardOutput)")
      #expect(await eventually { !failures.all.isEmpty })
      let failure = try #require(failures.all.first)
      guard case .handshakeFailed(let reason) = failure else {
        Issue.record("expected a handshake failure, got \(failure)")
        return
      }
      #expect(reason.contains("unknown ca"), "\(reason)")
      #expect(log.events.isEmpty)
    }
  }

  @Test(arguments: ["localhost", nil])
  func eddyClientTalksToPythonServer(serverName: String?) async throws {
    try await withLoop { loop in
      let peer = try pythonPeer([
        "server", "--cert", certificates.path("server.pem"), "--key", certificates.path("server.key"),
        "--alpn", "eddy/1",
      ])
      let port = try #require(await announcedPort(peer, prefix: "port"))
      // Without a server name the certificate must name the address connected to.
      let context = try Contexts.client(serverName: serverName) { $0.applicationProtocols = ["eddy/1"] }
      let log = ProbeLog()
      let seen = Made<Probe>()
      try await connect(
        loop, port: port,
        TLSLayer.factory(context: context) {
          let probe = seen.add(Probe(log: log))
          probe.onMade = { $0.transport!.write("hello from eddy") }
          probe.onData = { probe, _ in
            if probe.log.byteCount == 15 { probe.transport!.close() }
          }
          return probe
        })
      #expect(await eventually { log.isLost })
      #expect(await peer.wait(seconds: 10) == 0, "\(peer.standardOutput)")
      #expect(log.string == "hello from eddy")
      #expect(log.lifecycle == [.made, .lost(nil)])
      #expect(peer.lines.contains("echoed 15"))
      #expect(peer.lines.contains("closed clean"))
      #expect(try await loop.submit { seen.items[0].negotiatedALPN } == "eddy/1")
    }
  }

  @Test func eddyClientPresentsItsCertificateToAServerThatRequiresOne() async throws {
    try await withLoop { loop in
      let peer = try pythonPeer([
        "server", "--cert", certificates.path("server.pem"), "--key", certificates.path("server.key"),
        "--ca", certificates.path("ca.pem"),
      ])
      let port = try #require(await announcedPort(peer, prefix: "port"))
      let context = try Contexts.client { configuration in
        configuration.certificateChain = .file(certificates.path("client.pem"))
        configuration.privateKey = .file(certificates.path("client.key"))
      }
      let log = ProbeLog()
      try await connect(
        loop, port: port,
        TLSLayer.factory(context: context) {
          let probe = Probe(log: log)
          probe.onMade = { $0.transport!.write("mutual") }
          probe.onData = { probe, _ in
            if probe.log.byteCount == 6 { probe.transport!.close() }
          }
          return probe
        })
      #expect(await eventually { log.isLost })
      #expect(await peer.wait(seconds: 10) == 0, "\(peer.standardOutput)")
      #expect(log.lifecycle == [.made, .lost(nil)])
    }
  }
}
