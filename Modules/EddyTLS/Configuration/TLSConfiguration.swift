import EddyProtocols
import Logging

/// Everything a ``TLSContext`` is made from: the side of the connection, certificates, trust,
/// verification, ALPN, versions, timeouts and buffering.
///
/// Start from ``client(timer:)`` or ``server(certificateChain:privateKey:timer:)`` (or the
/// one-call presets in `TLSConfiguration+Presets.swift`) and change the fields you need.
public struct TLSConfiguration: Sendable {
  /// Which end of the handshake a context plays.
  public enum Role: Sendable, Equatable {
    /// Connects and sends the client hello.
    case client
    /// Accepts and presents a certificate.
    case server
  }

  /// Chooses the application protocol from those a client offers (in its order); nil for none.
  public typealias ApplicationProtocolSelector = @Sendable (_ offered: [String]) -> String?

  /// The side this context plays.
  public var role: Role
  /// This side's certificate followed by any intermediates (required for servers).
  public var certificateChain: TLSPEMSource?
  /// The private key of the first certificate in ``certificateChain``.
  public var privateKey: TLSPEMSource?
  /// The authorities a peer's certificate must chain to when it is verified.
  public var trustRoots: TLSTrustRoots
  /// What is checked of the peer's certificate.
  public var verification: TLSVerification
  /// Clients: the name sent as SNI (unless it is an IP address) and checked against the
  /// server's certificate. A layer may override it per connection.
  public var serverName: String?
  /// ALPN: the protocols a client offers, or a server accepts in its order of preference.
  public var applicationProtocols: [String]
  /// Servers: picks the ALPN protocol instead of the preference order of
  /// ``applicationProtocols``. When nothing is picked the handshake goes on without ALPN.
  public var applicationProtocolSelector: ApplicationProtocolSelector?
  /// The oldest version offered or accepted.
  public var minimumVersion: TLSVersion
  /// The newest version offered or accepted.
  public var maximumVersion: TLSVersion
  /// Clients: reuse sessions (TLS 1.3 tickets or TLS 1.2 sessions) per server name.
  public var resumesSessions: Bool
  /// How long a handshake may take before the connection is aborted; nil for no limit.
  public var handshakeTimeout: Duration?
  /// How long closing may wait for buffered data to leave and for the peer's close_notify
  /// before the connection below is aborted.
  public var shutdownTimeout: Duration
  /// The water marks of the plaintext the layer holds for the protocol above (written but not
  /// yet encrypted, because the handshake is not done or the transport below is paused).
  public var writeBufferLimits: WriteBufferLimits
  /// The source of timeouts and deferred work.
  public var timer: TLSTimer
  /// Where warnings (a protocol asking to stay half-open) and unreported handshake failures go.
  public var logger: Logger

  /// Creates a configuration with the defaults for `role`: clients verify the server fully
  /// against the system's trust store; servers ask no client certificate. Both speak TLS 1.2
  /// and 1.3, time a handshake out after 60 seconds (as asyncio does) and a close after 30.
  public init(role: Role, timer: TLSTimer) {
    self.role = role
    self.certificateChain = nil
    self.privateKey = nil
    self.trustRoots = .system
    self.verification = role == .client ? .full : .none
    self.serverName = nil
    self.applicationProtocols = []
    self.applicationProtocolSelector = nil
    self.minimumVersion = .tls12
    self.maximumVersion = .tls13
    self.resumesSessions = role == .client
    self.handshakeTimeout = .seconds(60)
    self.shutdownTimeout = .seconds(30)
    self.writeBufferLimits = WriteBufferLimits()
    self.timer = timer
    self.logger = Logger(label: "eddy.tls")
  }

  /// A client configuration with the defaults of ``init(role:timer:)``.
  public static func client(timer: TLSTimer) -> Self {
    Self(role: .client, timer: timer)
  }

  /// A server configuration presenting `certificateChain` with `privateKey`.
  public static func server(
    certificateChain: TLSPEMSource, privateKey: TLSPEMSource, timer: TLSTimer
  ) -> Self {
    var configuration = Self(role: .server, timer: timer)
    configuration.certificateChain = certificateChain
    configuration.privateKey = privateKey
    return configuration
  }
}
