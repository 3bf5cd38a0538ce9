import EddyProtocols
import Testing

@testable import EddyAsync

/// The inbound queue on its own: what it buffers, when it asks the loop to pause and resume
/// reading, and how the sequence ends.
@Suite struct InboundQueueTests {
  private struct Failure: Error, Equatable {}

  private func take(_ queue: inout InboundQueue<ByteBuffer>) -> (ByteBuffer, resume: Bool)? {
    guard case .element(let element, let resume) = queue.poll() else { return nil }
    return (element, resume)
  }

  /// Whether the loop, asked to resume, should.
  private func resumes(_ queue: inout InboundQueue<ByteBuffer>) -> Bool {
    queue.shouldResumeReading()
  }

  private func isEmpty(_ poll: InboundQueue<ByteBuffer>.Poll) -> Bool {
    if case .empty = poll { return true }
    return false
  }

  private func pauses(_ arrival: InboundQueue<ByteBuffer>.Arrival) -> Bool? {
    guard case .buffered(let pause) = arrival else { return nil }
    return pause
  }

  @Test func elementsComeOutInTheOrderTheyArrived() {
    var queue = InboundQueue<ByteBuffer>(limits: .default)
    for chunk: ByteBuffer in ["one", "two", "three"] { #expect(pauses(queue.receive(chunk)) == false) }
    #expect(take(&queue)?.0 == "one")
    #expect(take(&queue)?.0 == "two")
    #expect(take(&queue)?.0 == "three")
    #expect(isEmpty(queue.poll()))
  }

  @Test func readingPausesOnceTheBytesReachTheHighMark() {
    var queue = InboundQueue<ByteBuffer>(limits: .bytes(high: 10, low: 4))
    #expect(pauses(queue.receive("12345")) == false)
    #expect(pauses(queue.receive("1234")) == false)
    // Nine bytes are under the mark; the tenth reaches it.
    #expect(pauses(queue.receive("1")) == true)
    #expect(pauses(queue.receive("more")) == false)
    #expect(queue.statistics.readPauses == 1)
    #expect(queue.statistics.peakInboundBytes == 14)
  }

  @Test func resumeIsAskedForOnceTheBytesDropToTheLowMark() {
    var queue = InboundQueue<ByteBuffer>(limits: .bytes(high: 10, low: 4))
    for chunk: ByteBuffer in ["abc", "defg", "hij", "k"] { _ = queue.receive(chunk) }
    // 11 bytes, paused. Taking "abc" leaves 8, "defg" leaves 4: at the low mark.
    #expect(take(&queue)?.resume == false)
    #expect(take(&queue)?.resume == true)
    // Asked once: the next element does not ask again before the loop answers.
    #expect(take(&queue)?.resume == false)
    #expect(resumes(&queue))
    #expect(queue.statistics.readResumes == 1)
    #expect(!resumes(&queue))
  }

  @Test func aResumeAskedForIsRefusedIfTheBufferFilledAgainMeanwhile() {
    var queue = InboundQueue<ByteBuffer>(limits: .bytes(high: 4, low: 2))
    _ = queue.receive("abcd")
    #expect(take(&queue)?.resume == true)
    // Before the loop handles the request, more arrives than the low mark allows.
    _ = queue.receive("xyz")
    #expect(!resumes(&queue))
    #expect(queue.statistics.readResumes == 0)
    // Still paused: the next drop to the low mark asks again.
    #expect(take(&queue)?.resume == true)
    #expect(resumes(&queue))
  }

  @Test func elementLimitsCountElementsNotBytes() {
    var queue = InboundQueue<ByteBuffer>(limits: .elements(high: 2, low: 0))
    #expect(pauses(queue.receive(ByteBuffer(bytes: [UInt8](repeating: 1, count: 1000)))) == false)
    #expect(pauses(queue.receive("x")) == true)
    #expect(take(&queue)?.resume == false)
    #expect(take(&queue)?.resume == true)
    #expect(resumes(&queue))
    #expect(queue.statistics.peakInboundElements == 2)
  }

  @Test func withoutPausingElementsAtTheHighMarkAreDroppedAndCounted() {
    var queue = InboundQueue<ByteBuffer>(limits: .elements(high: 2, low: 1), canPauseReading: false)
    #expect(pauses(queue.receive("a")) == false)
    #expect(pauses(queue.receive("b")) == false)
    guard case .dropped = queue.receive("c") else {
      Issue.record("a third element should be dropped")
      return
    }
    #expect(queue.statistics.droppedElements == 1)
    #expect(queue.statistics.readPauses == 0)
    #expect(take(&queue)?.0 == "a")
    // Below the mark again: the next element is kept, after the older one.
    #expect(pauses(queue.receive("d")) == false)
    #expect(take(&queue)?.0 == "b")
    #expect(take(&queue)?.0 == "d")
  }

  @Test func theEndComesAfterTheBufferedElements() {
    var queue = InboundQueue<ByteBuffer>(limits: .default)
    _ = queue.receive("last")
    #expect(queue.finish(error: nil) == nil)
    #expect(take(&queue)?.0 == "last")
    guard case .finished = queue.poll() else {
      Issue.record("the sequence should have finished")
      return
    }
    guard case .finished = queue.poll() else {
      Issue.record("a finished sequence stays finished")
      return
    }
  }

  @Test func anErrorEndsTheSequenceOnceThenItIsFinished() {
    var queue = InboundQueue<ByteBuffer>(limits: .default)
    _ = queue.finish(error: Failure())
    // The first end wins.
    _ = queue.finish(error: nil)
    guard case .failed(let error) = queue.poll() else {
      Issue.record("the error should be thrown first")
      return
    }
    #expect(error is Failure)
    guard case .finished = queue.poll() else {
      Issue.record("after the error the sequence is finished")
      return
    }
  }

  @Test func aWaitingConsumerGetsTheNextElementDirectly() async throws {
    var queue = InboundQueue<ByteBuffer>(limits: .bytes(high: 4, low: 1))
    let received = try await withUnsafeThrowingContinuation { (waiter: InboundQueue<ByteBuffer>.Waiter) in
      #expect(isEmpty(queue.poll(orWait: waiter, cancelled: false)))
      guard case .deliver(let handed, let element) = queue.receive("direct") else {
        Issue.record("the element should go to the waiting consumer")
        waiter.resume(returning: nil)
        return
      }
      handed.resume(returning: element)
    }
    #expect(received == "direct")
    // Handed over, not buffered: nothing counts towards the marks.
    #expect(queue.statistics.peakInboundBytes == 0)
    #expect(queue.takeWaiter() == nil)
    #expect(isEmpty(queue.poll()))
  }

  @Test func theEndWakesAWaitingConsumer() async throws {
    var queue = InboundQueue<ByteBuffer>(limits: .default)
    let received = try await withUnsafeThrowingContinuation { (waiter: InboundQueue<ByteBuffer>.Waiter) in
      _ = queue.poll(orWait: waiter, cancelled: false)
      guard let (woken, poll) = queue.finish(error: nil) else {
        Issue.record("the end should return the waiting consumer")
        waiter.resume(returning: "wrong")
        return
      }
      InboundQueue.resume(woken, with: poll)
    }
    #expect(received == nil)
  }

  @Test func aCancelledConsumerIsNotKept() async {
    var queue = InboundQueue<ByteBuffer>(limits: .default)
    await #expect(throws: CancellationError.self) {
      try await withUnsafeThrowingContinuation { (waiter: InboundQueue<ByteBuffer>.Waiter) in
        let poll = queue.poll(orWait: waiter, cancelled: true)
        InboundQueue.resume(waiter, with: poll)
      }
    }
    #expect(queue.takeWaiter() == nil)
  }

  @Test func aSmallSliceOfALargeBufferIsCopiedOutWhileItWaits() {
    var queue = InboundQueue<ByteBuffer>(limits: .default)
    var large = ByteBuffer(capacity: 64 * 1024)
    large.writeBytes([UInt8](repeating: 7, count: 64 * 1024))
    let slice = large.getSlice(at: 100, length: 10)!
    let small: ByteBuffer = "small"
    _ = queue.receive(slice)
    _ = queue.receive(small)
    let first = take(&queue)?.0
    #expect(first == slice)
    #expect(first?.sharesStorage(with: large) == false)
    #expect(take(&queue)?.0.sharesStorage(with: small) == true)
  }

  @Test func aSmallSliceHandedToAWaitingConsumerIsCopiedOutToo() async throws {
    var queue = InboundQueue<ByteBuffer>(limits: .default)
    var large = ByteBuffer(capacity: 64 * 1024)
    large.writeBytes([UInt8](repeating: 7, count: 64 * 1024))
    let slice = large.getSlice(at: 100, length: 10)!
    let received = try await withUnsafeThrowingContinuation { (waiter: InboundQueue<ByteBuffer>.Waiter) in
      _ = queue.poll(orWait: waiter, cancelled: false)
      guard case .deliver(let handed, let element) = queue.receive(slice) else {
        Issue.record("the element should go to the waiting consumer")
        waiter.resume(returning: nil)
        return
      }
      handed.resume(returning: element)
    }
    // The loop's receive buffer is let go at once, so its next read can reuse it.
    #expect(received == slice)
    #expect(received?.sharesStorage(with: large) == false)
  }
}
