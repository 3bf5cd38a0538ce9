import EddyProtocols

/// Writes back every byte it receives. When the peer finishes sending, the default
/// `eofReceived` closes the transport, which first writes out every pending echo.
final class EchoProtocol: StreamProtocol {
  private var transport: (any StreamTransport)?

  func connectionMade(_ transport: any StreamTransport) { self.transport = transport }

  func dataReceived(_ data: ByteBuffer) { transport?.write(data) }

  func pauseWriting() { transport?.pauseReading() }

  func resumeWriting() { transport?.resumeReading() }

  func connectionLost(_ error: (any Error)?) { transport = nil }
}
