import EddyProtocols
import EddyReactor
import EddyTLS
import EddyTLSReactor
import EddyTestSupport
import EddyTransports
import Logging
import Testing

/// The handshake failures a layer reported.
final class FailureLog: Sendable {
  private let failures = Locked<[TLSError]>([])

  func record(_ error: TLSError) { failures.withLock { $0.append(error) } }

  var all: [TLSError] { failures.withLock { $0 } }

  /// A handler for `onHandshakeFailure`.
  var handler: @Sendable (TLSError) -> Void { { [self] in record($0) } }
}

/// Log messages captured from a ``Logger`` made by ``logger``.
final class CapturedLog: Sendable {
  private let messages = Locked<[(Logger.Level, String)]>([])

  var logger: Logger {
    Logger(label: "eddy.tls.test") { _ in Capture(log: self) }
  }

  var warnings: [String] { messages.withLock { $0.filter { $0.0 == .warning }.map(\.1) } }

  fileprivate func append(_ level: Logger.Level, _ message: String) {
    messages.withLock { $0.append((level, message)) }
  }

  private struct Capture: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
      log.append(event.level, "\(event.message)")
    }
  }
}

/// Contexts over the run's test certificates.
enum Contexts {
  static var certificates: TestCertificates { .shared }

  /// A server presenting `certificate` (a name from `make_tls_certs.sh`).
  static func server(
    _ certificate: String = "server", _ configure: (inout TLSConfiguration) -> Void = { _ in }
  ) throws -> TLSContext {
    var configuration = TLSConfiguration.server(
      certificatePath: certificates.path("\(certificate).pem"),
      keyPath: certificates.path("\(certificate).key"), timer: .eventLoop)
    configure(&configuration)
    return try TLSContext(configuration)
  }

  /// A client trusting the test CA and expecting `serverName`.
  static func client(
    serverName: String? = "localhost", _ configure: (inout TLSConfiguration) -> Void = { _ in }
  ) throws -> TLSContext {
    var configuration = TLSConfiguration.client(
      caPath: certificates.path("ca.pem"), serverName: serverName, timer: .eventLoop)
    configure(&configuration)
    return try TLSContext(configuration)
  }
}

/// Starts `Tests/Interop/tls_peer.py` with `arguments`, its standard error merged into its output.
func pythonPeer(_ arguments: [String]) throws -> ChildProcess {
  try ChildProcess(
    "python3", [TestCertificates.interopDirectory + "/tls_peer.py"] + arguments, mergingErrors: true)
}

/// The port in a peer's first line "port N" or "ACCEPT host:N".
func announcedPort(_ peer: ChildProcess, prefix: String) async -> Int? {
  guard let line = await peer.line(startingWith: prefix) else { return nil }
  return Int(line.split(whereSeparator: { $0 == " " || $0 == ":" }).last ?? "")
}
