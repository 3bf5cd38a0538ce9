import CEddyOpenSSL
import EddyProtocols
import EddyTesting
import Testing

@testable import EddyTLS

/// Renegotiation is refused. The peer that asks for it is an Eddy layer whose OpenSSL
/// connection the test drives directly (Eddy offers no way to renegotiate); the refusing side
/// answers with a no_renegotiation alert, which fails the asking side.
@Suite struct RenegotiationTests {
  @Test(arguments: [true, false])
  func renegotiationIsRefused(clientAsks: Bool) throws {
    let clock = ManualClock()
    let certificates = TestCertificates.shared
    var clientConfiguration = TLSConfiguration.client(
      caPath: certificates.path("ca.pem"), serverName: "localhost", timer: clock.timer)
    clientConfiguration.maximumVersion = .tls12
    let serverConfiguration = TLSConfiguration.server(
      certificatePath: certificates.path("server.pem"), keyPath: certificates.path("server.key"),
      timer: clock.timer)
    let client = RecordingProtocol()
    let server = RecordingProtocol()
    let clientLayer = TLSLayer(context: try TLSContext(clientConfiguration), protocol: client)
    let serverLayer = TLSLayer(context: try TLSContext(serverConfiguration), protocol: server)
    let pair = InMemoryTransport.pair(clientLayer, serverLayer)
    pair.run()
    #expect(clientLayer.negotiatedVersion == .tls12)

    let (asking, refusing) = clientAsks ? (clientLayer, serverLayer) : (serverLayer, clientLayer)
    let ssl = try #require(asking.ssl)
    // SSL_OP_NO_RENEGOTIATION (a macro Swift cannot see) also stops asking; lift it here only.
    SSL_clear_options(ssl, 1 << 30)
    #expect(SSL_renegotiate(ssl) == 1)
    _ = SSL_do_handshake(ssl)
    asking.flushOutput()
    pair.run()

    let askingProtocol = clientAsks ? client : server
    guard case .protocolError(let reason) = askingProtocol.lostError as? TLSError else {
      Issue.record("expected the asking side to fail, got \(askingProtocol.events)")
      return
    }
    #expect(reason.contains("no renegotiation"), "\(reason)")
    #expect(refusing.negotiatedVersion == .tls12)
    #expect(client.violations.isEmpty && server.violations.isEmpty)
  }
}
