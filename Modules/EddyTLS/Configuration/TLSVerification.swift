/// How much of the peer's identity is checked.
public enum TLSVerification: Sendable, Equatable {
  /// Nothing is checked (testing only on clients; the default for servers, which then ask no
  /// certificate from clients).
  case none
  /// The peer must present a certificate that chains to the trust roots and is valid now;
  /// its names are not checked. On a server this requires client certificates.
  case certificate
  /// As ``certificate``, and on a client the certificate must name the server: the
  /// connection's server name (a host name or an IP address). The default for clients.
  case full
}
