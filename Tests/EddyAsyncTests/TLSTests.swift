import EddyAsync
import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTLS
import EddyTLSReactor
import EddyTestSupport
import Testing

/// Async connections under a TLS layer: the layer makes the connection only after its
/// handshake, so the async connect waits for it, and a failed handshake fails the connect.
@Suite struct AsyncTLSTests {
  /// Makes the test certificates with `Tests/Interop/make_tls_certs.sh`, run as an async child.
  static func makeCertificates(on loop: EventLoop) async throws -> String {
    var interop = #filePath
    for _ in 0..<2 { interop = String(interop[..<interop.lastIndex(of: "/")!]) }
    let directory = "/tmp/eddy-async-tls-\(UInt64.random(in: 0..<UInt64.max))"
    let maker = try await loop.subprocessExec(
      argv: [
        "/bin/sh", "-c", "mkdir -p \(directory) && sh \(interop)/Interop/make_tls_certs.sh \(directory)",
      ],
      stdin: .devNull, stdout: .devNull, stderr: .inherit)
    try #require(try await maker.wait() == 0)
    return directory
  }

  @Test func linesOverTLS() async throws {
    try await withGroup(loops: 2) { group in
      let certificates = try await Self.makeCertificates(on: group.loops[0])
      let serverTLS = try TLSContext(
        .server(
          certificatePath: "\(certificates)/server.pem", keyPath: "\(certificates)/server.key",
          timer: .eventLoop))
      let clientTLS = try TLSContext(
        .client(caPath: "\(certificates)/ca.pem", serverName: "localhost", timer: .eventLoop))
      let lines = CodecStack(layers: [.line(LineCodec())])
      let server = try await group.loops[0].listen(
        host: "127.0.0.1", port: 0,
        configuration: AsyncConnectionConfiguration(layers: {
          TLSLayer(context: serverTLS, protocol: lines.wrap($0))
        }))
      let serving = Task { try await server.serve(echo) }
      let connection = try await group.loops[1].connect(
        host: "127.0.0.1", port: server.port!,
        configuration: AsyncConnectionConfiguration(layers: {
          TLSLayer(context: clientTLS, protocol: lines.wrap($0))
        }))
      let messages = (0..<100).map { "secret \($0)" }
      for message in messages { try await connection.write(ByteBuffer(string: message)) }
      var echoed: [String] = []
      var iterator = connection.inbound.makeAsyncIterator()
      while echoed.count < messages.count, let line = try await iterator.next() { echoed.append(line.string) }
      #expect(echoed == messages)
      connection.close()
      server.close()
      try await serving.value
      _ = try await group.loops[0].subprocessExec(argv: ["rm", "-rf", certificates]).wait()
    }
  }

  /// A client that does not trust the server's certificate: the handshake fails and so does
  /// the connect, instead of waiting forever.
  @Test func aFailedHandshakeFailsTheConnect() async throws {
    try await withGroup(loops: 2) { group in
      let certificates = try await Self.makeCertificates(on: group.loops[0])
      let serverTLS = try TLSContext(
        .server(
          certificatePath: "\(certificates)/rogue.pem", keyPath: "\(certificates)/rogue.key",
          timer: .eventLoop))
      let clientTLS = try TLSContext(
        .client(caPath: "\(certificates)/ca.pem", serverName: "localhost", timer: .eventLoop))
      let server = try await group.loops[0].listen(
        host: "127.0.0.1", port: 0,
        configuration: AsyncConnectionConfiguration(layers: { TLSLayer(context: serverTLS, protocol: $0) }))
      let serving = Task { try await server.serve(echo) }
      // The connect throws the handshake's own error, not the bare end of the socket.
      let error = await #expect(throws: TLSError.self) {
        _ = try await group.loops[1].connect(
          host: "127.0.0.1", port: server.port!,
          configuration: AsyncConnectionConfiguration(layers: { TLSLayer(context: clientTLS, protocol: $0) }))
      }
      if case .verificationFailed(let reason)? = error {
        #expect(reason.contains("issuer"), "\(reason)")
      } else {
        Issue.record("expected the certificate's verification to fail, got \(String(describing: error))")
      }
      server.close()
      try await serving.value
      _ = try await group.loops[0].subprocessExec(argv: ["rm", "-rf", certificates]).wait()
    }
  }
}
