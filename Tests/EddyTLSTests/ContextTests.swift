import EddyTLS
import EddyTLSReactor
import Testing

/// Configurations that cannot make a context fail at once, with a reason.
@Suite struct ContextTests {
  let certificates = TestCertificates.shared

  private func expectInvalid(_ configuration: TLSConfiguration, mentioning text: String) {
    do {
      _ = try TLSContext(configuration)
      Issue.record("the context was made")
    } catch {
      guard case .invalidConfiguration(let reason) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(reason.contains(text), "\(reason)")
    }
  }

  @Test func missingFile() {
    expectInvalid(
      .server(
        certificatePath: "/nonexistent/cert.pem", keyPath: certificates.path("server.key"), timer: .eventLoop),
      mentioning: "/nonexistent/cert.pem")
  }

  @Test func keyOfAnotherCertificate() {
    expectInvalid(
      .server(
        certificatePath: certificates.path("server.pem"), keyPath: certificates.path("rogue.key"),
        timer: .eventLoop),
      mentioning: "does not match")
  }

  @Test func serverWithoutCertificate() {
    expectInvalid(TLSConfiguration(role: .server, timer: .eventLoop), mentioning: "needs a certificate")
  }

  @Test func emptyApplicationProtocolName() {
    var configuration = TLSConfiguration.client(timer: .eventLoop)
    configuration.applicationProtocols = ["h2", ""]
    expectInvalid(configuration, mentioning: "ALPN")
  }

  @Test func versionsOutOfOrder() {
    var configuration = TLSConfiguration.client(timer: .eventLoop)
    configuration.minimumVersion = .tls13
    configuration.maximumVersion = .tls12
    expectInvalid(configuration, mentioning: "minimum version")
  }

  @Test func certificatesFromMemory() throws {
    let chain = try String(contentsOfPEM: certificates.path("server.pem"))
    let key = try String(contentsOfPEM: certificates.path("server.key"))
    let context = try TLSContext(
      .server(certificateChain: .pem(chain), privateKey: .pem(key), timer: .eventLoop))
    #expect(context.configuration.role == .server)
    expectInvalid(
      .server(certificateChain: .pem("not a certificate"), privateKey: .pem(key), timer: .eventLoop),
      mentioning: "no certificate")
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file that could not be opened, and why.
private struct UnreadableFile: Error {
  let path: String
  let errno: Int32
}

extension String {
  /// Reads a small text file.
  init(contentsOfPEM path: String) throws {
    guard let file = fopen(path, "r") else { throw UnreadableFile(path: path, errno: errno) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while case let count = fread(&chunk, 1, chunk.count, file), count > 0 { bytes += chunk[..<count] }
    self = String(decoding: bytes, as: UTF8.self)
  }
}
