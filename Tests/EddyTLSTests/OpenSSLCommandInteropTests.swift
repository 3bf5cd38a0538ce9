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

/// `openssl s_client` and `openssl s_server` as the peer.
@Suite(.serialized) struct OpenSSLCommandInteropTests {
  let certificates = TestCertificates.shared

  /// Starts `openssl s_server -www` presenting `certificate`; returns it and its port.
  private func startServer(_ certificate: String) async throws -> (ChildProcess, Int) {
    let peer = try ChildProcess(
      "openssl",
      [
        "s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-www", "-alpn", "eddy/1",
        "-cert", certificates.path("\(certificate).pem"), "-key", certificates.path("\(certificate).key"),
      ], mergingErrors: true)
    let port = try #require(await announcedPort(peer, prefix: "ACCEPT"))
    return (peer, port)
  }

  @Test func sClientVerifiesTheServerAndGetsItsEcho() async throws {
    try await withLoop { loop in
      let log = ProbeLog()
      let context = try Contexts.server { $0.applicationProtocols = ["eddy/1"] }
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0,
        protocolFactory: TLSLayer.factory(context: context) {
          let probe = Probe(log: log)
          probe.onData = { probe, data in
            probe.transport!.write(data)
            if probe.log.string.hasSuffix("\n") { probe.transport!.close() }
          }
          return probe
        })
      defer { server.close() }
      let input = certificates.path("s_client-input.txt")
      let file = fopen(input, "w")!
      fputs("hello s_client\n", file)
      fclose(file)
      let client = try ChildProcess(
        "openssl",
        [
          "s_client", "-connect", "127.0.0.1:\(server.port!)", "-CAfile", certificates.path("ca.pem"),
          "-servername", "localhost", "-verify_hostname", "localhost", "-verify_return_error", "-alpn",
          "eddy/1", "-ign_eof",
        ], standardInput: input, mergingErrors: true)
      #expect(await client.wait(seconds: 10) == 0, "\(client.standardOutput)")
      #expect(client.lines.contains { $0.contains("Verify return code: 0 (ok)") }, "\(client.standardOutput)")
      #expect(client.lines.contains("hello s_client"), "\(client.standardOutput)")
      #expect(client.lines.contains { $0.contains("ALPN protocol: eddy/1") }, "\(client.standardOutput)")
      #expect(await eventually { log.isLost })
      #expect(log.lifecycle.first == .made)
    }
  }

  @Test func eddyClientReadsFromSServerUntilItsCloseNotify() async throws {
    try await withLoop { loop in
      let (peer, port) = try await startServer("server")
      let log = ProbeLog()
      let context = try Contexts.client { $0.applicationProtocols = ["eddy/1"] }
      try await connect(
        loop, port: port,
        TLSLayer.factory(context: context) {
          let probe = Probe(log: log)
          probe.onMade = { $0.transport!.write("GET / HTTP/1.0\r\n\r\n") }
          return probe
        })
      #expect(await eventually { log.isLost })
      #expect(log.string.hasPrefix("HTTP/1.0 200 ok"))
      #expect(log.lifecycle == [.made, .eof, .lost(nil)])
      await peer.wait(seconds: 2)
    }
  }

  @Test(arguments: [
    ("rogue", "unable to get local issuer certificate"),
    ("expired", "certificate has expired"),
    ("wronghost", "hostname mismatch"),
  ])
  func eddyClientRejectsABadCertificate(certificate: String, reason: String) async throws {
    try await withLoop { loop in
      let (peer, port) = try await startServer(certificate)
      let log = ProbeLog()
      let failures = FailureLog()
      let context = try Contexts.client()
      try await connect(
        loop, port: port,
        TLSLayer.factory(context: context, onHandshakeFailure: failures.handler) {
          Probe(log: log)
        })
      #expect(await eventually { !failures.all.isEmpty })
      #expect(failures.all == [.verificationFailed(reason: reason)])
      // The protocol above never hears of a connection whose handshake failed.
      #expect(log.events.isEmpty)
      await peer.wait(seconds: 2)
    }
  }
}
