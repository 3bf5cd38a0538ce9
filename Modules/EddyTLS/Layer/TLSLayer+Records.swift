import CEddyOpenSSL
import EddyProtocols

extension TLSLayer {
  /// The most plaintext encrypted before the records are handed below: a few maximum-size
  /// records, so the transport below gets few, large writes and can pause the layer in time.
  static let encryptBatch = 64 * 1024
  /// The most plaintext one `SSL_write` takes: one TLS record.
  static let recordSize = 16 * 1024
  /// The size of the buffer plaintext is decrypted into for the protocol above.
  static let receiveSize = 32 * 1024

  /// How a round of decryption ended.
  enum DecryptOutcome {
    /// The buffer filled up; there may be more.
    case more
    /// Every complete record was read; more ciphertext is needed.
    case needInput
    /// The peer's close_notify arrived.
    case closeNotify
    /// The peer broke the protocol.
    case failed(String)
  }

  /// Sends what OpenSSL has written (records, alerts, close_notify) to the transport below.
  func flushOutput() {
    guard let output = networkOutput else { return }
    let count = Int(BIO_ctrl_pending(output))
    guard count > 0 else { return }
    var records = ByteBuffer(capacity: count)
    records.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
      Int(max(0, BIO_read(output, raw.baseAddress, Int32(count))))
    }
    lower?.write(records)
  }

  /// Encrypts queued plaintext while the transport below accepts it, reports the queue's water
  /// marks to the protocol above, and sends close_notify once a close has drained the queue.
  func pump() {
    while state == .open || state == .flushing, !lowerWritingPaused, !pending.isEmpty, let ssl {
      var batch = 0
      while batch < Self.encryptBatch, let chunk = pending.popFirst(maximum: Self.recordSize) {
        OpenSSLErrors.clear()
        let written = chunk.withUnsafeReadableBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
        guard written == chunk.readableBytes else {
          let code = SSL_get_error(ssl, written)
          fail(
            TLSError.protocolError(
              reason: OpenSSLErrors.drain(fallback: "SSL_write failed (SSL error \(code))")))
          return
        }
        batch += chunk.readableBytes
      }
      // May pause the layer (synchronously) through pauseWriting.
      flushOutput()
    }
    if upperConnected && state != .closed && state != .closingLower {
      upper.target.apply(flow.update(bufferSize: pending.byteCount))
    }
    if state == .flushing && pending.isEmpty { sendCloseNotify() }
  }

  /// Decrypts the ciphertext received so far and delivers it to the protocol above, until it
  /// pauses reading, closes, or more ciphertext is needed. After a close, what arrives is
  /// decrypted only to find the peer's close_notify, and dropped.
  func decryptInput() {
    guard !isDecrypting else { return }
    isDecrypting = true
    defer { isDecrypting = false }
    var outcome = DecryptOutcome.more
    while case .more = outcome, ssl != nil {
      switch state {
      case .open where !readingPaused:
        outcome = deliverRecords()
      case .flushing, .shuttingDown:
        outcome = discardRecords()
      default:
        // Paused, or over: what is left waits or is dropped with the connection.
        flushOutput()
        return
      }
    }
    flushOutput()
    switch outcome {
    case .more:
      break
    case .needInput:
      if lowerReachedEOF { inputEnded() }
    case .closeNotify:
      peerClosed = true
      peerSentCloseNotify()
    case .failed(let reason):
      fail(TLSError.protocolError(reason: reason))
    }
  }

  /// Decrypts one buffer's worth of plaintext and hands it to the protocol above.
  private func deliverRecords() -> DecryptOutcome {
    if let buffered = upper.buffered {
      let target = buffered.getBuffer(sizeHint: Self.receiveSize)
      precondition(!target.isEmpty, "getBuffer(sizeHint:) returned an empty buffer")
      let (count, outcome) = decrypt(into: target)
      if count > 0 { buffered.bufferUpdated(count) }
      return outcome
    }
    receiveBuffer.clear()
    var outcome = DecryptOutcome.more
    receiveBuffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.receiveSize) { raw in
      let (count, result) = decrypt(
        into: UnsafeMutableRawBufferPointer(rebasing: raw.prefix(Self.receiveSize)))
      outcome = result
      return count
    }
    if !receiveBuffer.isEmpty { upper.target.dataReceived(receiveBuffer) }
    return outcome
  }

  /// Decrypts and drops plaintext, looking for the peer's close_notify.
  private func discardRecords() -> DecryptOutcome {
    receiveBuffer.clear()
    var outcome = DecryptOutcome.more
    receiveBuffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.receiveSize) { raw in
      outcome = decrypt(into: UnsafeMutableRawBufferPointer(rebasing: raw.prefix(Self.receiveSize))).1
      return 0
    }
    return outcome
  }

  /// Fills `target` with plaintext; returns how much and why it stopped.
  private func decrypt(into target: UnsafeMutableRawBufferPointer) -> (Int, DecryptOutcome) {
    guard let ssl, let base = target.baseAddress else { return (0, .needInput) }
    var total = 0
    while total < target.count {
      OpenSSLErrors.clear()
      var count = 0
      if SSL_read_ex(ssl, base + total, target.count - total, &count) == 1 {
        total += count
        continue
      }
      switch SSL_get_error(ssl, 0) {
      case SSL_ERROR_WANT_READ: return (total, .needInput)
      case SSL_ERROR_ZERO_RETURN: return (total, .closeNotify)
      default: return (total, .failed(OpenSSLErrors.drain(fallback: "the record layer failed")))
      }
    }
    return (total, .more)
  }
}
