import EddyProtocols

/// Stands between a transport and the layers of a connection being opened until the
/// connection's own protocol is connected: layers such as TLS connect it only after a handshake,
/// and end the transport without telling it when the handshake fails. The watch forwards every
/// callback, reports an end that comes first, and steps aside (handing the transport its real
/// protocol back) once the connection is made.
final class OpeningWatch: StreamProtocol {
  private let inner: StreamProtocolLink
  private var onEndBeforeReady: (((any Error)?) -> Void)?
  private var transport: (any StreamTransport)?

  init(inner: any StreamProtocol, onEndBeforeReady: @escaping ((any Error)?) -> Void) {
    self.inner = StreamProtocolLink(inner)
    self.onEndBeforeReady = onEndBeforeReady
  }

  /// The transport underneath, once connected: what to abort if the opening is cancelled.
  var underlyingTransport: (any StreamTransport)? { transport }

  /// Hands the transport its real protocol; later callbacks no longer pass through the watch.
  func stepAside() {
    onEndBeforeReady = nil
    transport?.setProtocol(inner.target)
    transport = nil
  }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    inner.target.connectionMade(transport)
  }

  func dataReceived(_ data: ByteBuffer) { inner.deliver(data) }

  func eofReceived() -> Bool { inner.target.eofReceived() }

  func connectionLost(_ error: (any Error)?) {
    transport = nil
    let layer = inner.target as? any ConnectingLayer
    inner.target.connectionLost(error)
    let report = onEndBeforeReady
    onEndBeforeReady = nil
    // A layer that failed before connecting (a TLS handshake) knows why; the socket does not.
    report?(layer?.failureBeforeConnecting ?? error)
  }

  func pauseWriting() { inner.target.pauseWriting() }

  func resumeWriting() { inner.target.resumeWriting() }
}
