import EddyCodecs
import EddyProtocols
import EddyTesting

/// A message protocol that records messages and passes every other callback to a recorder.
final class MessageRecorder: MessageProtocol {
  let recorder: RecordingProtocol
  private(set) var messages: [ByteBuffer] = []
  var onMessage: ((MessageRecorder, ByteBuffer) -> Void)?

  init(keepsOpenOnEOF: Bool = false, onMessage: ((MessageRecorder, ByteBuffer) -> Void)? = nil) {
    recorder = RecordingProtocol(keepsOpenOnEOF: keepsOpenOnEOF)
    self.onMessage = onMessage
  }

  var transport: (any StreamTransport)? { recorder.transport }

  func connectionMade(_ transport: any StreamTransport) { recorder.connectionMade(transport) }
  func dataReceived(_ data: ByteBuffer) { recorder.dataReceived(data) }
  func eofReceived() -> Bool { recorder.eofReceived() }
  func connectionLost(_ error: (any Error)?) { recorder.connectionLost(error) }
  func pauseWriting() { recorder.pauseWriting() }
  func resumeWriting() { recorder.resumeWriting() }

  func messageReceived(_ message: ByteBuffer) {
    messages.append(message)
    onMessage?(self, message)
  }
}
