import DequeModule
import EddyProtocols

/// Plaintext written by the protocol above and not yet encrypted, kept as the caller's buffers.
struct PlaintextQueue {
  private var buffers = Deque<ByteBuffer>()
  /// The bytes queued.
  private(set) var byteCount = 0

  var isEmpty: Bool { buffers.isEmpty }

  mutating func append(_ buffer: ByteBuffer) {
    guard !buffer.isEmpty else { return }
    buffers.append(buffer)
    byteCount += buffer.readableBytes
  }

  /// Removes and returns at most `maximum` bytes from the front, without copying.
  mutating func popFirst(maximum: Int) -> ByteBuffer? {
    guard var head = buffers.first else { return nil }
    if head.readableBytes <= maximum {
      buffers.removeFirst()
      byteCount -= head.readableBytes
      return head
    }
    let chunk = head.readSlice(length: maximum)!
    buffers[buffers.startIndex] = head
    byteCount -= maximum
    return chunk
  }

  mutating func removeAll() {
    buffers.removeAll()
    byteCount = 0
  }
}
