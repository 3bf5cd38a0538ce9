import CEddyOpenSSL

/// A TLS protocol version Eddy speaks. Older versions are never offered or accepted.
public enum TLSVersion: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
  /// TLS 1.2 (RFC 5246).
  case tls12
  /// TLS 1.3 (RFC 8446).
  case tls13

  /// OpenSSL's number for the version.
  var openSSLValue: Int32 {
    switch self {
    case .tls12: TLS1_2_VERSION
    case .tls13: TLS1_3_VERSION
    }
  }

  /// The version with OpenSSL's number, if it is one Eddy speaks.
  init?(openSSLValue: Int32) {
    guard let version = Self.allCases.first(where: { $0.openSSLValue == openSSLValue }) else { return nil }
    self = version
  }

  /// Orders versions from oldest to newest.
  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

  /// "TLS 1.2" or "TLS 1.3".
  public var description: String {
    switch self {
    case .tls12: "TLS 1.2"
    case .tls13: "TLS 1.3"
    }
  }
}
