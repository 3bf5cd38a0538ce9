/// The certificate authorities a peer's certificate must chain to.
public enum TLSTrustRoots: Sendable, Equatable {
  /// The system's default store (OpenSSL's default verify paths).
  case system
  /// Only the CA certificates in this PEM (one or more certificates).
  case certificates(TLSPEMSource)
}
