import CEddyOpenSSL

extension TLSPEMSource {
  /// Calls `body` with a BIO reading the PEM text; the BIO is freed afterwards.
  private func withBIO<Result>(
    _ body: (OpaquePointer) throws(TLSError) -> Result
  ) throws(TLSError) -> Result {
    switch self {
    case .file(let path):
      guard let bio = BIO_new_file(path, "r") else {
        throw .invalidConfiguration(reason: "cannot read \(path): \(OpenSSLErrors.drain())")
      }
      defer { BIO_free(bio) }
      return try body(bio)
    case .pem(let text):
      guard let bio = BIO_new(BIO_s_mem()) else {
        throw .invalidConfiguration(reason: "cannot read PEM: \(OpenSSLErrors.drain())")
      }
      defer { BIO_free(bio) }
      var text = text
      let written = text.withUTF8 { BIO_write(bio, $0.baseAddress, Int32($0.count)) }
      guard written == text.utf8.count else {
        throw .invalidConfiguration(reason: "cannot buffer PEM: \(OpenSSLErrors.drain())")
      }
      return try body(bio)
    }
  }

  /// A name for error messages.
  private var label: String {
    switch self {
    case .file(let path): path
    case .pem: "in-memory PEM"
    }
  }

  /// Every certificate in the PEM, in order; the caller owns (and must free) each `X509`.
  func certificates() throws(TLSError) -> [OpaquePointer] {
    let label = label
    return try withBIO { bio throws(TLSError) in
      OpenSSLErrors.clear()
      var certificates: [OpaquePointer] = []
      while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
        certificates.append(certificate)
      }
      // Reading stops with a "no start line" error at the end of the text; only a certificate
      // that failed to parse is a real error.
      let lastError = ERR_peek_last_error()
      OpenSSLErrors.clear()
      guard !certificates.isEmpty else {
        throw .invalidConfiguration(reason: "no certificate in \(label)")
      }
      if ERR_GET_REASON(lastError) != PEM_R_NO_START_LINE && lastError != 0 {
        for certificate in certificates { X509_free(certificate) }
        throw .invalidConfiguration(reason: "malformed certificate in \(label)")
      }
      return certificates
    }
  }

  /// The private key in the PEM; the caller owns (and must free) the `EVP_PKEY`.
  func privateKey() throws(TLSError) -> OpaquePointer {
    let label = label
    return try withBIO { bio throws(TLSError) in
      OpenSSLErrors.clear()
      guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
        throw .invalidConfiguration(reason: "no private key in \(label): \(OpenSSLErrors.drain())")
      }
      return key
    }
  }
}
