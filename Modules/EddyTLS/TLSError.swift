/// Why a TLS context could not be made or a TLS connection ended.
///
/// A connection's error reaches its protocol once, through `connectionLost`; an error during the
/// handshake, when the protocol above was never connected, reaches the handshake-failure handler
/// given to ``TLSLayer`` instead.
public enum TLSError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The configuration cannot make a context: unreadable PEM, a key that does not match the
  /// certificate, a malformed ALPN name, an impossible version range.
  case invalidConfiguration(reason: String)
  /// The peer's certificate was rejected: unknown issuer, expired, wrong host name, missing.
  case verificationFailed(reason: String)
  /// The handshake failed for another reason: no common version or cipher, an alert from the
  /// peer (which may have rejected this side's certificate), or the connection ending mid-way.
  case handshakeFailed(reason: String)
  /// The handshake did not finish within the configured handshake timeout.
  case handshakeTimeout
  /// The peer broke the protocol after the handshake: a corrupt record, an unexpected message,
  /// a fatal alert.
  case protocolError(reason: String)
  /// The peer closed the connection without sending close_notify, so the data may be truncated.
  case uncleanShutdown
  /// The close handshake did not finish within the shutdown timeout while data was still
  /// waiting to be sent; the connection was aborted and that data is lost.
  case shutdownTimeout

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .invalidConfiguration(let reason): "invalid TLS configuration: \(reason)"
    case .verificationFailed(let reason): "certificate verification failed: \(reason)"
    case .handshakeFailed(let reason): "TLS handshake failed: \(reason)"
    case .handshakeTimeout: "TLS handshake timed out"
    case .protocolError(let reason): "TLS protocol error: \(reason)"
    case .uncleanShutdown: "the peer closed the connection without a TLS close_notify"
    case .shutdownTimeout: "the TLS close handshake timed out with data unsent"
    }
  }
}
