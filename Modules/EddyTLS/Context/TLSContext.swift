import CEddyOpenSSL

/// A configuration made ready for connections: an OpenSSL `SSL_CTX` with the certificates,
/// trust roots, versions and ALPN loaded once, shared by every connection made from it.
///
/// Make one per configuration and reuse it; it is safe to share across threads and loops.
/// Client contexts also keep the sessions to resume, per server name.
public final class TLSContext: @unchecked Sendable {
  // @unchecked: the SSL_CTX is only read once set up, which OpenSSL allows from any thread,
  // and the session cache guards itself.

  /// The configuration this context was made from.
  public let configuration: TLSConfiguration
  /// The `SSL_CTX`.
  let handle: OpaquePointer
  /// The sessions a client resumes.
  let sessions = TLSSessionCache()

  /// Loads `configuration` into a new OpenSSL context.
  ///
  /// - Throws: ``TLSError/invalidConfiguration(reason:)`` when a PEM cannot be read, the key
  ///   does not match the certificate, an ALPN name is empty or too long, or the versions are
  ///   out of order.
  public init(_ configuration: TLSConfiguration) throws(TLSError) {
    guard configuration.minimumVersion <= configuration.maximumVersion else {
      throw .invalidConfiguration(reason: "the minimum version is newer than the maximum")
    }
    OpenSSLErrors.clear()
    let method = configuration.role == .client ? TLS_client_method() : TLS_server_method()
    guard let handle = SSL_CTX_new(method) else {
      throw .invalidConfiguration(reason: "cannot create a context: \(OpenSSLErrors.drain())")
    }
    self.configuration = configuration
    self.handle = handle
    eddy_ssl_ctx_apply_defaults(handle)
    guard eddy_ssl_ctx_set_min_version(handle, configuration.minimumVersion.openSSLValue) == 1,
      eddy_ssl_ctx_set_max_version(handle, configuration.maximumVersion.openSSLValue) == 1
    else {
      throw .invalidConfiguration(reason: "cannot set the versions: \(OpenSSLErrors.drain())")
    }
    try loadIdentity()
    try loadTrustRoots()
    applyVerification()
    try configureApplicationProtocols()
    if configuration.role == .client && configuration.resumesSessions {
      eddy_ssl_ctx_cache_client_sessions(handle)
      SSL_CTX_sess_set_new_cb(handle, TLSLayer.sessionIssued)
    }
  }

  deinit {
    SSL_CTX_free(handle)
  }

  /// Loads the certificate chain and its key, when configured (required for servers).
  private func loadIdentity() throws(TLSError) {
    guard let chainSource = configuration.certificateChain else {
      if configuration.role == .server {
        throw .invalidConfiguration(reason: "a server needs a certificate chain and a private key")
      }
      return
    }
    guard let keySource = configuration.privateKey else {
      throw .invalidConfiguration(reason: "a certificate chain needs its private key")
    }
    let chain = try chainSource.certificates()
    defer { X509_free(chain[0]) }
    guard SSL_CTX_use_certificate(handle, chain[0]) == 1 else {
      for certificate in chain.dropFirst() { X509_free(certificate) }
      throw .invalidConfiguration(reason: "cannot use the certificate: \(OpenSSLErrors.drain())")
    }
    for (index, certificate) in chain.enumerated().dropFirst()
    where eddy_ssl_ctx_add_chain_cert(handle, certificate) != 1 {
      // The context owns those added so far; free the rest.
      for rest in chain[index...] { X509_free(rest) }
      throw .invalidConfiguration(reason: "cannot add a chain certificate: \(OpenSSLErrors.drain())")
    }
    let key = try keySource.privateKey()
    defer { EVP_PKEY_free(key) }
    guard SSL_CTX_use_PrivateKey(handle, key) == 1, SSL_CTX_check_private_key(handle) == 1 else {
      throw .invalidConfiguration(
        reason: "the private key does not match the certificate: \(OpenSSLErrors.drain())")
    }
  }

  /// Loads the authorities peers' certificates are checked against.
  private func loadTrustRoots() throws(TLSError) {
    switch configuration.trustRoots {
    case .system:
      guard SSL_CTX_set_default_verify_paths(handle) == 1 else {
        throw .invalidConfiguration(reason: "cannot load the system trust store: \(OpenSSLErrors.drain())")
      }
    case .certificates(let source):
      let authorities = try source.certificates()
      defer { for authority in authorities { X509_free(authority) } }
      let store = SSL_CTX_get_cert_store(handle)
      for authority in authorities where X509_STORE_add_cert(store, authority) != 1 {
        throw .invalidConfiguration(reason: "cannot trust a CA certificate: \(OpenSSLErrors.drain())")
      }
    }
  }

  /// Sets what is asked of and checked in the peer's certificate.
  private func applyVerification() {
    switch configuration.verification {
    case .none:
      SSL_CTX_set_verify(handle, SSL_VERIFY_NONE, nil)
    case .certificate, .full:
      let mode =
        configuration.role == .server ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER
      SSL_CTX_set_verify(handle, mode, nil)
    }
  }
}
