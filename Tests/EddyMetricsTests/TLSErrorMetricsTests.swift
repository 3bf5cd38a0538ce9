import EddyMetrics
import EddyProtocols
import EddyReactor
import EddyTLS
import EddyTLSReactor
import EddyTestSupport
import EddyTransports
import MetricsTestKit
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A TLS server's failed handshakes, counted by kind: the TLS layer's failure, not the bare end
/// of the socket it closed.
@Suite struct TLSErrorMetricsTests {
  /// Makes the test certificates with `Tests/Interop/make_tls_certs.sh` in a new directory.
  private func makeCertificates() async throws -> String {
    var interop = #filePath
    for _ in 0..<2 { interop = String(interop[..<interop.lastIndex(of: "/")!]) }
    let directory = "/tmp/eddy-metrics-tls-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let maker = try ChildProcess(
      "/bin/sh", [interop + "/Interop/make_tls_certs.sh", directory], mergingErrors: true)
    try #require(await maker.wait(seconds: 60) == 0, "\(maker.standardOutput)")
    return directory
  }

  @Test func aPlaintextClientOfATLSServerIsCountedAsAFailedHandshake() async throws {
    let certificates = try await makeCertificates()
    defer { _ = try? ChildProcess("rm", ["-rf", certificates]).blockingWait(seconds: 10) }
    let context = try TLSContext(
      .server(
        certificatePath: "\(certificates)/server.pem", keyPath: "\(certificates)/server.key",
        timer: .eventLoop))
    let metrics = TestMetrics()
    let observer = ConnectionMetrics(server: "tls", reportInterval: .seconds(3600), factory: metrics)
    let dimensions = [("server", "tls")]
    try await withLoop { loop in
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, options: ServerOptions(observer: observer)
      ) {
        TLSLayer(context: context, protocol: Echo(), onHandshakeFailure: { _ in })
      }
      defer { server.close() }
      let address = try SocketAddress(ipAddress: "127.0.0.1", port: server.port!)
      let client = try #require(RawSocket(connectingTo: address))
      #expect(client.send(Array("GET / HTTP/1.0\r\n\r\n".utf8)))
      #expect(
        await eventually {
          (try? metrics.expectCounter("eddy_server_connections_closed_total", dimensions).totalValue) == 1
        })
      #expect(try countedErrors(metrics, "server", dimensions) == ["tls_handshake_failed": 1])
      #expect(try metrics.expectCounter("eddy_server_connections_closed_total", dimensions).totalValue == 1)
    }
  }
}
