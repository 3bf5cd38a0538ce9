import NIOSSL

/// The TLS server context of `--tls-cert` and `--tls-key`: a PEM certificate chain and its key.
func makeServerTLSContext(certificatePath: String, keyPath: String) throws -> NIOSSLContext {
  let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map {
    NIOSSLCertificateSource.certificate($0)
  }
  let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
  return try NIOSSLContext(
    configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
}

/// True for the way most clients end a TLS connection: closing the socket without a close_notify.
/// For an echo server that is the end of the connection, not an error worth a line.
func isUncleanTLSShutdown(_ error: any Error) -> Bool {
  (error as? NIOSSLError) == .uncleanShutdown
}
