import EddyProtocols
import EddyReactor
import EddyTestSupport

/// A client protocol that writes `payload` once connected, counts what comes back, and closes
/// once all of it has (the server echoes).
final class Sender: StreamProtocol {
  private let payload: [UInt8]
  private let ended: Recorder<Int>
  private var transport: (any StreamTransport)?
  private var echoed = 0

  /// A sender of `payload` that records the bytes echoed to it in `ended` when its connection ends.
  init(_ payload: [UInt8], ended: Recorder<Int>) {
    self.payload = payload
    self.ended = ended
  }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    transport.write(ByteBuffer(bytes: payload))
  }

  func dataReceived(_ data: ByteBuffer) {
    echoed += data.readableBytes
    if echoed == payload.count { transport?.close() }
  }

  func connectionLost(_ error: (any Error)?) {
    transport = nil
    ended.append(echoed)
  }
}

/// `count` bytes of a pattern that holds no newline.
func pattern(_ count: Int, seed: Int) -> [UInt8] {
  (0..<count).map { UInt8(truncatingIfNeeded: 0x20 + ($0 &* 7 &+ seed) % 90) }
}
