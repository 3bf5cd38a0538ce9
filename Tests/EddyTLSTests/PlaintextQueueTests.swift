import EddyProtocols
import Testing

@testable import EddyTLS

/// The plaintext queue on its own: the caller's buffers kept whole, cut into record-sized
/// pieces from the front without copying.
@Suite struct PlaintextQueueTests {
  @Test func buffersComeOutInOrderAndEmptyOnesAreNotKept() {
    var queue = PlaintextQueue()
    queue.append("one")
    queue.append(ByteBuffer())
    queue.append("two")
    #expect(queue.byteCount == 6)
    #expect(queue.popFirst(maximum: 100) == "one")
    #expect(queue.popFirst(maximum: 100) == "two")
    #expect(queue.popFirst(maximum: 100) == nil)
    #expect(queue.isEmpty)
    #expect(queue.byteCount == 0)
  }

  @Test func aBufferOverTheMaximumIsCutIntoSlicesOfIt() {
    var queue = PlaintextQueue()
    let large = ByteBuffer(bytes: (0..<10).map { UInt8($0) })
    queue.append(large)
    queue.append("tail")
    let first = queue.popFirst(maximum: 4)
    #expect(first == [0, 1, 2, 3])
    #expect(first?.sharesStorage(with: large) == true)
    #expect(queue.byteCount == 10)
    #expect(queue.popFirst(maximum: 4) == [4, 5, 6, 7])
    // What is left of a buffer is not joined with the next one.
    #expect(queue.popFirst(maximum: 4) == [8, 9])
    #expect(queue.popFirst(maximum: 4) == "tail")
    #expect(queue.byteCount == 0)
  }

  @Test func exactlyTheMaximumTakesTheWholeBuffer() {
    var queue = PlaintextQueue()
    let buffer: ByteBuffer = "exact"
    queue.append(buffer)
    let popped = queue.popFirst(maximum: 5)
    #expect(popped == buffer)
    #expect(queue.isEmpty)
  }

  @Test func removeAllForgetsEverything() {
    var queue = PlaintextQueue()
    queue.append("a")
    queue.append("b")
    queue.removeAll()
    #expect(queue.isEmpty)
    #expect(queue.byteCount == 0)
    #expect(queue.popFirst(maximum: 1) == nil)
  }
}
