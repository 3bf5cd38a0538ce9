import CEddyOpenSSL
import EddyProtocols

extension TLSLayer {
  /// The peer's close_notify arrived: the protocol above gets its EOF, and the connection closes
  /// whatever it answers, since TLS cannot stay half-open.
  func peerSentCloseNotify() {
    switch state {
    case .open:
      if upper.target.eofReceived() {
        configuration.logger.warning(
          "eofReceived() returned true, but a TLS connection cannot stay half-open: closing it")
      }
      if state == .open { beginClose() }
    case .shuttingDown:
      closeLower()
    default:
      // Flushing: close_notify goes out once the queue drains, then the transport closes.
      break
    }
  }

  /// The transport below reported EOF and every record before it was read.
  func inputEnded() {
    switch state {
    case .handshaking:
      fail(TLSError.handshakeFailed(reason: "the peer closed the connection during the handshake"))
    case .open:
      fail(TLSError.uncleanShutdown)
    case .shuttingDown:
      // Closing already: the peer left without answering close_notify, which is fine.
      closeLower()
    default:
      break
    }
  }

  /// Starts closing: queued plaintext goes out, then close_notify, within the shutdown timeout.
  func beginClose() {
    move(to: .flushing)
    armShutdownTimer()
    // The peer's close_notify must be read even if the protocol above paused reading.
    if readingPaused {
      readingPaused = false
      lower?.resumeReading()
    }
    pump()
  }

  /// Sends close_notify; closes below at once if the peer's has arrived or its input ended.
  func sendCloseNotify() {
    guard state == .flushing, let ssl else { return }
    move(to: .shuttingDown)
    OpenSSLErrors.clear()
    _ = SSL_shutdown(ssl)
    OpenSSLErrors.clear()
    flushOutput()
    if peerClosed || lowerReachedEOF {
      closeLower()
    } else {
      // close_notify may already be waiting among the records received.
      decryptInput()
    }
  }

  /// Closes the transport below gracefully: what it holds (close_notify included) is sent
  /// first, within the shutdown timeout.
  func closeLower() {
    guard state != .closingLower && state != .closed else { return }
    move(to: .closingLower)
    armShutdownTimer()
    lower?.close()
  }

  /// Ends the connection with `error` (the first one wins): any alert OpenSSL wrote is sent,
  /// then the transport below closes.
  func fail(_ error: any Error) {
    guard state != .closingLower && state != .closed else { return }
    if failure == nil { failure = error }
    pending.removeAll()
    flushOutput()
    closeLower()
  }

  private func armShutdownTimer() {
    guard shutdownTimer == nil else { return }
    shutdownTimer = configuration.timer.schedule(after: configuration.shutdownTimeout) { [weak self] in
      self?.shutdownTimedOut()
    }
  }

  /// Closing took too long (the peer neither reads nor answers): abort below. Data still
  /// waiting makes it an error; a missing close_notify alone does not.
  private func shutdownTimedOut() {
    shutdownTimer = nil
    guard state != .closed, let lower else { return }
    if failure == nil && (!pending.isEmpty || lower.writeBufferSize > 0) {
      failure = TLSError.shutdownTimeout
    }
    move(to: .closingLower)
    pending.removeAll()
    lower.abort()
  }

  /// Cancels every timer; the connection is over.
  func cancelTimers() {
    handshakeTimer?()
    shutdownTimer?()
    handshakeTimer = nil
    shutdownTimer = nil
  }
}
