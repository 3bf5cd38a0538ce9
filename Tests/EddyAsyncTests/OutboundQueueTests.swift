import EddyProtocols
import Testing

@testable import EddyAsync

/// The outbound queue on its own: when a writer may go on, when the loop is asked to drain, what
/// each batch holds, and how pausing, commands and failure change that.
@Suite struct OutboundQueueTests {
  private struct Failure: Error, Equatable {}

  private func drainAsked(_ offer: OutboundQueue<ByteBuffer>.Offer) -> Bool? {
    guard case .queued(let scheduleDrain) = offer else { return nil }
    return scheduleDrain
  }

  private func waitID(_ offer: OutboundQueue<ByteBuffer>.Offer) -> UInt64? {
    guard case .mustWait(let id) = offer else { return nil }
    return id
  }

  private func refusal(_ offer: OutboundQueue<ByteBuffer>.Offer) -> (any Error)? {
    guard case .refused(let error) = offer else { return nil }
    return error
  }

  /// Queues `command`; true when the loop must be asked to drain.
  private func enqueue(_ command: OutboundQueue<ByteBuffer>.Command, _ queue: inout OutboundQueue<ByteBuffer>)
    -> Bool
  {
    queue.enqueue(command)
  }

  /// Resumes the writers; true when the loop must be asked to drain.
  private func resume(_ queue: inout OutboundQueue<ByteBuffer>) -> Bool {
    queue.resume()
  }

  private func batch(_ queue: inout OutboundQueue<ByteBuffer>) -> OutboundQueue<ByteBuffer>.Batch {
    var batch = OutboundQueue<ByteBuffer>.Batch()
    _ = queue.takeBatch(into: &batch, transportBuffer: 0)
    return batch
  }

  @Test func writesWithinTheStagingLimitGoOnAndAskForOneDrain() {
    var queue = OutboundQueue<ByteBuffer>(stagingLimit: 10)
    #expect(drainAsked(queue.offer("12345")) == true)
    // Exactly at the limit still goes on; the drain is already asked for.
    #expect(drainAsked(queue.offer("67890")) == false)
    #expect(waitID(queue.offer("x")) == 1)
    #expect(waitID(queue.offer("y")) == 2)
    #expect(queue.statistics.peakStagedBytes == 10)
    let taken = batch(&queue)
    #expect(taken.elements == ["12345", "67890"])
    #expect(taken.command == nil)
    // A batch that took everything ended the drain: the next write asks again.
    #expect(drainAsked(queue.offer("again")) == true)
    #expect(drainAsked(queue.offer("more")) == false)
  }

  @Test func aBatchEndsAtTheFirstCommandInWriteOrder() {
    var queue = OutboundQueue<ByteBuffer>(stagingLimit: 100)
    _ = queue.offer("a")
    _ = queue.offer("b")
    #expect(!enqueue(.writeEOF, &queue))
    let first = batch(&queue)
    #expect(first.elements == ["a", "b"])
    #expect(first.command == .writeEOF)
    // The first batch took everything, so the close asks for a drain of its own.
    #expect(queue.enqueue(.close) == true)
    let second = batch(&queue)
    #expect(second.elements.isEmpty)
    #expect(second.command == .close)
    #expect(batch(&queue).isEmpty)
  }

  @Test func aTakeStoppedByACommandSaysMoreWaits() {
    var queue = OutboundQueue<ByteBuffer>(stagingLimit: 100)
    #expect(drainAsked(queue.offer("a")) == true)
    _ = queue.enqueue(.writeEOF)
    _ = queue.enqueue(.close)
    var taken = OutboundQueue<ByteBuffer>.Batch()
    #expect(queue.takeBatch(into: &taken, transportBuffer: 0) == true)
    #expect(taken.elements == ["a"] && taken.command == .writeEOF)
    // The drain goes on with the emptied batch and takes the close behind the first command.
    taken.removeAll()
    #expect(taken.isEmpty && taken.elements.isEmpty && taken.waiters.isEmpty)
    #expect(queue.takeBatch(into: &taken, transportBuffer: 0) == false)
    #expect(taken.elements.isEmpty && taken.command == .close)
  }

  @Test func writesAfterWriteEOFOrCloseAreRefused() {
    var queue = OutboundQueue<ByteBuffer>(stagingLimit: 100)
    #expect(enqueue(.writeEOF, &queue))
    #expect(refusal(queue.offer("late")) as? AsyncConnectionError == .outputClosed)
    // A second writeEOF is not queued; a close still is.
    #expect(!enqueue(.writeEOF, &queue))
    _ = queue.enqueue(.close)
    #expect(refusal(queue.offer("later")) as? AsyncConnectionError == .closed)
    #expect(!enqueue(.close, &queue))
    let taken = batch(&queue)
    #expect(taken.command == .writeEOF)
    #expect(batch(&queue).command == .close)
  }

  @Test func whilePausedWritersWaitAndTheLoopTakesNothing() {
    var queue = OutboundQueue<ByteBuffer>(stagingLimit: 100)
    _ = queue.offer("before")
    queue.pause()
    queue.pause()
    #expect(queue.statistics.writePauses == 1)
    #expect(waitID(queue.offer("during")) == 1)
    #expect(batch(&queue).isEmpty)
    // Resuming asks for a drain, since the empty batch ended the last one.
    #expect(resume(&queue))
    #expect(batch(&queue).elements == ["before"])
  }

  @Test func aCloseQueuedWhilePausedStillDrainsEverything() {
    var queue = OutboundQueue<ByteBuffer>(stagingLimit: 100)
    _ = queue.offer("a")
    _ = queue.offer("b")
    queue.pause()
    _ = queue.enqueue(.close)
    // Paused, but closing: everything goes to the transport, which flushes before it closes.
    let taken = batch(&queue)
    #expect(taken.elements == ["a", "b"])
    #expect(taken.command == .close)
  }

  @Test func aCloseWhilePausedAsksForADrainAWriteDoesNot() {
    var queue = OutboundQueue<ByteBuffer>(stagingLimit: 100)
    queue.pause()
    #expect(waitID(queue.offer("a")) == 1)
    #expect(enqueue(.close, &queue))
    #expect(batch(&queue).command == .close)
  }

  @Test func aFailureRefusesEverythingAndDropsWhatWaits() {
    var queue = OutboundQueue<ByteBuffer>(stagingLimit: 100)
    _ = queue.offer("queued")
    #expect(queue.fail(Failure()).isEmpty)
    _ = queue.fail(CancellationError())
    #expect(refusal(queue.offer("after")) is Failure)
    #expect(!enqueue(.close, &queue))
    #expect(batch(&queue).isEmpty)
  }

  @Test func aWaitingWriterIsResumedWithTheBatchThatTakesItsBytes() async throws {
    var queue = OutboundQueue<ByteBuffer>(stagingLimit: 4)
    _ = queue.offer("full")
    let id = try #require(waitID(queue.offer("next")))
    var taken = OutboundQueue<ByteBuffer>.Batch()
    try await withUnsafeThrowingContinuation { (waiter: OutboundQueue<ByteBuffer>.Waiter) in
      guard case .waiting(let scheduleDrain) = queue.offer("next", id: id, waiter: waiter, cancelled: false)
      else {
        Issue.record("a writer over the staging limit should wait")
        waiter.resume()
        return
      }
      #expect(!scheduleDrain)
      #expect(queue.statistics.writerSuspensions == 1)
      _ = queue.takeBatch(into: &taken, transportBuffer: 0)
      for writer in taken.waiters { writer.resume() }
    }
    #expect(taken.elements == ["full", "next"])
    #expect(taken.waiters.count == 1)
  }

  @Test func aWriterTakenBackLeavesItsBytesQueued() async {
    var queue = OutboundQueue<ByteBuffer>(stagingLimit: 1)
    _ = queue.offer("a")
    let id = waitID(queue.offer("bc")) ?? 0
    await #expect(throws: CancellationError.self) {
      try await withUnsafeThrowingContinuation { (waiter: OutboundQueue<ByteBuffer>.Waiter) in
        _ = queue.offer("bc", id: id, waiter: waiter, cancelled: false)
        #expect(queue.takeWaiter(id: id + 1) == nil)
        queue.takeWaiter(id: id)?.resume(throwing: CancellationError())
      }
    }
    #expect(queue.takeWaiter(id: id) == nil)
    let taken = batch(&queue)
    #expect(taken.elements == ["a", "bc"])
    #expect(taken.waiters.isEmpty)
  }

  @Test func aCancelledWriterThatMustWaitIsRefused() async {
    var queue = OutboundQueue<ByteBuffer>(stagingLimit: 1)
    _ = queue.offer("a")
    await #expect(throws: CancellationError.self) {
      try await withUnsafeThrowingContinuation { (waiter: OutboundQueue<ByteBuffer>.Waiter) in
        if let error = refusal(queue.offer("b", id: 1, waiter: waiter, cancelled: true)) {
          waiter.resume(throwing: error)
        } else {
          waiter.resume()
        }
      }
    }
    #expect(batch(&queue).elements == ["a"])
  }

  @Test func aWriterThatMayNowGoOnIsQueuedWithoutItsWaiter() async throws {
    var queue = OutboundQueue<ByteBuffer>(stagingLimit: 2)
    _ = queue.offer("ab")
    let id = try #require(waitID(queue.offer("c")))
    _ = batch(&queue)
    var scheduled: Bool?
    try await withUnsafeThrowingContinuation { (waiter: OutboundQueue<ByteBuffer>.Waiter) in
      scheduled = drainAsked(queue.offer("c", id: id, waiter: waiter, cancelled: false))
      waiter.resume()
    }
    // The batch taken meanwhile made room: queued at once, and the caller resumes the writer.
    // That batch took everything and so ended the drain: this write asks for the next one.
    #expect(scheduled == true)
    let taken = batch(&queue)
    #expect(taken.elements == ["c"])
    #expect(taken.waiters.isEmpty)
  }
}
