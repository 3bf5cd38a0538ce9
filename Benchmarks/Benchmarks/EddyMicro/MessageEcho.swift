import EddyCodecs
import EddyProtocols

/// Writes every message straight back: the framed echo of the codec-stack and allocation
/// benchmarks.
final class MessageEcho: MessageProtocol {
  private var transport: (any StreamTransport)?

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
  }

  func messageReceived(_ message: ByteBuffer) {
    transport?.write(message)
  }

  func connectionLost(_ error: (any Error)?) {
    transport = nil
  }
}
