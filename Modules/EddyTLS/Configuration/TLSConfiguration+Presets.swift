extension TLSConfiguration {
  /// A server presenting the certificate chain in the PEM file `certificatePath` with the key
  /// in the PEM file `keyPath`; what `echo-server --tls-cert PEM --tls-key PEM` needs.
  public static func server(certificatePath: String, keyPath: String, timer: TLSTimer) -> Self {
    .server(certificateChain: .file(certificatePath), privateKey: .file(keyPath), timer: timer)
  }

  /// A client trusting the CAs in the PEM file `caPath` (the system's store when nil) and
  /// checking that the server's certificate names `serverName`; with `insecure`, nothing is
  /// verified. What `loadgen --tls [--tls-ca PEM | --tls-insecure] [--tls-server-name NAME]`
  /// needs.
  public static func client(
    caPath: String? = nil, insecure: Bool = false, serverName: String? = nil, timer: TLSTimer
  ) -> Self {
    var configuration = Self.client(timer: timer)
    if let caPath { configuration.trustRoots = .certificates(.file(caPath)) }
    configuration.verification = insecure ? .none : .full
    configuration.serverName = serverName
    return configuration
  }
}
