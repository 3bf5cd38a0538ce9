import EddyTestSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The certificates `Tests/Interop/make_tls_certs.sh` makes with the openssl command, once per
/// test run, in a fresh temporary directory.
struct TestCertificates: Sendable {
  let directory: String

  /// The PEM file `name` (for example "server.pem", "ca.pem").
  func path(_ name: String) -> String { "\(directory)/\(name)" }

  /// The repository's `Tests/Interop` directory.
  static let interopDirectory: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path + "/Interop"
  }()

  static let shared: TestCertificates = {
    var template = Array("/tmp/eddy-tls-XXXXXX".utf8CString)
    let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    let maker = try! ChildProcess(
      "/bin/sh", [interopDirectory + "/make_tls_certs.sh", directory], mergingErrors: true)
    let status = maker.blockingWait(seconds: 60)
    precondition(status == 0, "making test certificates failed:\n\(maker.standardOutput)")
    temporaryDirectory = directory
    atexit {
      guard let directory = temporaryDirectory else { return }
      let remover = try? ChildProcess("rm", ["-rf", directory])
      remover?.blockingWait(seconds: 10)
    }
    return TestCertificates(directory: directory)
  }()
}

/// The directory to remove when the test process exits; set once, before any reader.
private nonisolated(unsafe) var temporaryDirectory: String?
