import CEddyOpenSSL
import EddyProtocols

/// The layer as the protocol of the transport below, which hands it ciphertext.
extension TLSLayer: StreamProtocol {
  /// Starts the handshake over the new connection.
  public func connectionMade(_ transport: any StreamTransport) {
    attach(transport)
  }

  /// Feeds ciphertext to OpenSSL and advances the handshake or delivers plaintext. Once the
  /// transport below is closing, what still arrives is dropped unread.
  public func dataReceived(_ data: ByteBuffer) {
    guard let input = networkInput, state != .closingLower, state != .closed else { return }
    let written = data.withUnsafeReadableBytes { BIO_write(input, $0.baseAddress, Int32($0.count)) }
    guard written == data.readableBytes else {
      fail(TLSError.protocolError(reason: "cannot buffer received records: \(OpenSSLErrors.drain())"))
      return
    }
    if state == .handshaking {
      advanceHandshake()
      // The handshake may have completed and delivered what followed it already.
    } else {
      decryptInput()
    }
  }

  /// The peer will send nothing more: what is buffered is still decrypted, then the connection
  /// ends cleanly if close_notify came first and with ``TLSError/uncleanShutdown`` otherwise.
  ///
  /// - Returns: true: the layer closes the transport below itself.
  public func eofReceived() -> Bool {
    lowerReachedEOF = true
    if state == .handshaking {
      advanceHandshake()
    } else {
      decryptInput()
    }
    return true
  }

  /// The read burst below ended: the protocol above learns it once the handshake is done.
  public func readBurstEnded() {
    guard upperConnected, state != .closed else { return }
    upper.target.readBurstEnded()
  }

  /// The transport below has closed: the protocol above gets `connectionLost` with the layer's
  /// error, if any, else the transport's; a connection that never finished its handshake
  /// reports the failure instead.
  public func connectionLost(_ error: (any Error)?) {
    guard state != .closed else { return }
    let wasConnected = upperConnected
    let reported = failure ?? error
    move(to: .closed)
    cancelTimers()
    releaseSSL()
    pending.removeAll()
    lower = nil
    // Drop the protocol above, which usually holds this layer: no cycle outlives the connection.
    let lastUpper = upper.detach()
    if wasConnected {
      lastUpper.connectionLost(reported)
    } else {
      reportHandshakeFailure(reported)
    }
  }

  /// The transport below is over its high-water mark: stop encrypting into it.
  public func pauseWriting() {
    lowerWritingPaused = true
  }

  /// The transport below drained: encrypt what is queued.
  public func resumeWriting() {
    lowerWritingPaused = false
    pump()
  }

  private func reportHandshakeFailure(_ error: (any Error)?) {
    let tlsError: TLSError
    switch error {
    case let error as TLSError: tlsError = error
    case let error?: tlsError = .handshakeFailed(reason: "the connection failed: \(error)")
    case nil: tlsError = .handshakeFailed(reason: "the connection closed before the handshake completed")
    }
    handshakeFailure = tlsError
    if let onHandshakeFailure {
      onHandshakeFailure(tlsError)
    } else {
      configuration.logger.info("\(tlsError)")
    }
  }
}
