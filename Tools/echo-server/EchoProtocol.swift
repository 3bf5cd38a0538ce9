import EddyCodecs
import EddyProtocols

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes back every message (under a framing stack) or every byte (raw) it receives.
///
/// When the peer finishes sending, the default `eofReceived` closes the transport, which first
/// writes out every pending echo. A peer that does not read its echoes pauses its own reading,
/// so the server's memory for it stays bounded by the write buffer's high-water mark.
final class EchoProtocol: MessageProtocol {
  private var transport: (any StreamTransport)?
  private var peer = "?"

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    peer = transport.peerAddress?.description ?? "?"
  }

  func dataReceived(_ data: ByteBuffer) { transport?.write(data) }

  func messageReceived(_ message: ByteBuffer) { transport?.write(message) }

  func pauseWriting() { transport?.pauseReading() }

  func resumeWriting() { transport?.resumeReading() }

  func connectionLost(_ error: (any Error)?) {
    transport = nil
    if let error {
      var line = "echo-server: closed \(peer): \(error)\n"
      line.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
  }
}
