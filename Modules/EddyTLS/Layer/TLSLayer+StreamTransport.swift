import EddyProtocols

/// The layer as the transport of the protocol above, which reads and writes plaintext.
extension TLSLayer: StreamTransport, TransportLayer {
  /// True once closing has started or the connection is over.
  public var isClosing: Bool {
    switch state {
    case .idle, .handshaking, .open: false
    case .flushing, .shuttingDown, .closingLower, .closed: true
    }
  }

  /// The transport that carries the records.
  public var transportBelow: (any StreamTransport)? { lower }

  /// The protocol above.
  public var streamProtocol: any StreamProtocol { upper.target }

  /// Hands later callbacks to `newProtocol` (before the handshake completes, it is the one that
  /// gets `connectionMade`).
  public func setProtocol(_ newProtocol: any StreamProtocol) {
    upper.set(newProtocol)
  }

  /// Sends queued plaintext, then close_notify, waits for the peer's close_notify at most the
  /// shutdown timeout, and closes below; `connectionLost(nil)` follows. Before the handshake
  /// completes it gives the handshake up.
  public func close() {
    switch state {
    case .open:
      beginClose()
    case .idle:
      move(to: .closed)
    case .handshaking:
      fail(TLSError.handshakeFailed(reason: "closed before the handshake completed"))
    case .flushing, .shuttingDown, .closingLower, .closed:
      break
    }
  }

  /// Aborts the transport below at once, dropping queued data; no close_notify is sent.
  public func abort() {
    switch state {
    case .idle:
      move(to: .closed)
    case .handshaking, .open, .flushing, .shuttingDown, .closingLower:
      if state == .handshaking && failure == nil {
        failure = TLSError.handshakeFailed(reason: "aborted before the handshake completed")
      }
      move(to: .closingLower)
      pending.removeAll()
      lower?.abort()
    case .closed:
      break
    }
  }

  /// Stops reading below at once; records already received wait until ``resumeReading()``.
  public func pauseReading() {
    guard state == .open, !readingPaused else { return }
    readingPaused = true
    lower?.pauseReading()
  }

  /// Reads again: records that waited are decrypted and handed up before this returns (called
  /// from inside a delivery of this layer, that delivery goes on instead), then the transport
  /// below resumes, unless the protocol above paused again meanwhile.
  public func resumeReading() {
    guard state == .open, readingPaused else { return }
    readingPaused = false
    decryptInput()
    if state == .open && !readingPaused { lower?.resumeReading() }
  }

  /// True while open and not paused.
  public var isReading: Bool { state == .open && !readingPaused }

  /// Queues `data` for encryption; it is encrypted at once when the handshake is done and the
  /// transport below is not paused. Ignored after `close` or `abort`.
  public func write(_ data: ByteBuffer) {
    guard !isClosing, !data.isEmpty else { return }
    pending.append(data)
    pump()
  }

  /// Queues every buffer, then encrypts as ``write(_:)`` does.
  public func write(contentsOf buffers: [ByteBuffer]) {
    guard !isClosing else { return }
    for buffer in buffers { pending.append(buffer) }
    pump()
  }

  /// Not supported: TLS has no half-close. Logs a warning and does nothing.
  public func writeEOF() {
    configuration.logger.warning("writeEOF() is not supported over TLS; use close()")
  }

  /// False: TLS cannot close only its write side.
  public var canWriteEOF: Bool { false }

  /// Queued plaintext plus the ciphertext the transport below holds.
  public var writeBufferSize: Int { pending.byteCount + (lower?.writeBufferSize ?? 0) }

  /// The water marks of the plaintext queue.
  public var writeBufferLimits: WriteBufferLimits { flow.limits }

  /// Sets the water marks of the plaintext queue and reports a crossing at once.
  public func setWriteBufferLimits(high: Int?, low: Int?) {
    let limits = WriteBufferLimits(high: high, low: low)
    guard upperConnected else {
      // Nothing is reported before connectionMade; the queue is measured once it is made.
      flow = WriteFlowControl(limits: limits)
      return
    }
    let transition = flow.setLimits(limits, bufferSize: pending.byteCount)
    if state != .closed { upper.target.apply(transition) }
  }
}
