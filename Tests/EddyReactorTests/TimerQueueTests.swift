import Testing

@testable import EddyReactor

/// The timer queue on its own, outside any running loop: deadlines in nanoseconds chosen by the
/// test, so ordering, ties, due times and reclamation are exact.
@Suite struct TimerQueueTests {
  /// Timers on a loop that never runs; they are only identities for the queue.
  private final class Timers {
    let loop: EventLoop
    var queue = TimerQueue()

    init() throws { loop = try EventLoop(name: "timer-queue-test") }

    deinit { loop.close() }

    /// A timer due at `nanoseconds`, inserted into the queue.
    @discardableResult
    func schedule(at nanoseconds: UInt64) -> CallbackHandle {
      let handle = CallbackHandle(deadline: Deadline(nanoseconds: nanoseconds), loop: loop) {}
      queue.insert(handle)
      return handle
    }

    /// Cancels `handle` and tells the queue, as the loop does.
    func cancel(_ handle: CallbackHandle) {
      handle.cancel()
      queue.noteCancelled()
    }

    /// Every timer due at `now`, in the order the queue gives them.
    func popAll(now: UInt64) -> [CallbackHandle] {
      var due: [CallbackHandle] = []
      while let handle = queue.popDue(now: now) { due.append(handle) }
      return due
    }
  }

  @Test func timersComeDueInDeadlineOrder() throws {
    let timers = try Timers()
    let late = timers.schedule(at: 300)
    let early = timers.schedule(at: 100)
    let middle = timers.schedule(at: 200)
    #expect(timers.queue.count == 3)
    #expect(timers.queue.nextDeadline == 100)
    #expect(
      timers.popAll(now: 1_000).map(ObjectIdentifier.init)
        == [early, middle, late].map(ObjectIdentifier.init))
    #expect(timers.queue.count == 0)
    #expect(timers.queue.nextDeadline == nil)
  }

  @Test func equalDeadlinesComeDueInSchedulingOrder() throws {
    let timers = try Timers()
    let handles = (0..<50).map { index in timers.schedule(at: index % 2 == 0 ? 500 : 400) }
    let due = timers.popAll(now: 500).map(ObjectIdentifier.init)
    let odd = stride(from: 1, to: 50, by: 2).map { ObjectIdentifier(handles[$0]) }
    let even = stride(from: 0, to: 50, by: 2).map { ObjectIdentifier(handles[$0]) }
    #expect(due == odd + even)
  }

  @Test func aTimerIsDueAtItsDeadlineNotBefore() throws {
    let timers = try Timers()
    let handle = timers.schedule(at: 1_000)
    #expect(timers.queue.popDue(now: 999) == nil)
    #expect(timers.queue.count == 1)
    #expect(timers.queue.popDue(now: 1_000) === handle)
    #expect(timers.queue.popDue(now: 1_000) == nil)
  }

  @Test func popDueStopsAtTheFirstTimerNotYetDue() throws {
    let timers = try Timers()
    let first = timers.schedule(at: 10)
    timers.schedule(at: 30)
    let second = timers.schedule(at: 20)
    #expect(timers.popAll(now: 25).map(ObjectIdentifier.init) == [first, second].map(ObjectIdentifier.init))
    #expect(timers.queue.count == 1)
    #expect(timers.queue.nextDeadline == 30)
  }

  @Test func cancelledTimersAreSkippedButStillCountedUntilReached() throws {
    let timers = try Timers()
    let cancelled = timers.schedule(at: 10)
    let kept = timers.schedule(at: 10)
    let alsoCancelled = timers.schedule(at: 20)
    timers.cancel(cancelled)
    timers.cancel(alsoCancelled)
    // Cancelled timers stay until they come due: the earliest deadline may be a cancelled one.
    #expect(timers.queue.count == 3)
    #expect(timers.queue.nextDeadline == 10)
    #expect(timers.queue.popDue(now: 15) === kept)
    #expect(timers.queue.count == 1)
    #expect(timers.queue.popDue(now: 25) == nil)
    #expect(timers.queue.count == 0)
  }

  @Test func cancelledTimersAreReclaimedOnceTheyAreHalfTheQueue() throws {
    let timers = try Timers()
    let handles = (0..<100).map { timers.schedule(at: 1_000 + UInt64($0)) }
    for handle in handles.prefix(49) { timers.cancel(handle) }
    #expect(timers.queue.count == 100)
    timers.cancel(handles[49])
    #expect(timers.queue.count == 50)
    // Reclaiming keeps the order of what is left.
    #expect(timers.queue.nextDeadline == 1_050)
    #expect(
      timers.popAll(now: 2_000).map(ObjectIdentifier.init) == handles.suffix(50).map(ObjectIdentifier.init))
  }

  @Test func fewCancellationsAreNotWorthReclaiming() throws {
    let timers = try Timers()
    let handles = (0..<31).map { _ in timers.schedule(at: 5) }
    for handle in handles { timers.cancel(handle) }
    // Every timer is cancelled, but under 32 cancellations nothing is rebuilt.
    #expect(timers.queue.count == 31)
    #expect(timers.queue.popDue(now: 5) == nil)
    #expect(timers.queue.count == 0)
  }

  @Test func reclaimingKeepsTiesInSchedulingOrder() throws {
    let timers = try Timers()
    let handles = (0..<64).map { _ in timers.schedule(at: 7) }
    for handle in handles.enumerated().filter({ $0.offset % 2 == 0 }).map(\.element) { timers.cancel(handle) }
    #expect(timers.queue.count == 32)
    let survivors = handles.enumerated().filter { $0.offset % 2 == 1 }.map { ObjectIdentifier($0.element) }
    #expect(timers.popAll(now: 7).map(ObjectIdentifier.init) == survivors)
  }

  @Test func theCancellationCountStartsAgainAfterAReclaim() throws {
    let timers = try Timers()
    // Half of 80 cancelled: reclaimed at the 40th. The count starts again from zero, so 15 more
    // cancellations of the 30 left are not yet worth a rebuild.
    let handles = (0..<80).map { timers.schedule(at: UInt64($0)) }
    for handle in handles.prefix(40) { timers.cancel(handle) }
    #expect(timers.queue.count == 40)
    // Popping skips no cancelled timer now, so the count left is exact.
    #expect(timers.popAll(now: 49).count == 10)
    #expect(timers.queue.count == 30)
    for handle in handles.suffix(30).prefix(15) { timers.cancel(handle) }
    #expect(timers.queue.count == 30)
    #expect(
      timers.popAll(now: 1_000).map(ObjectIdentifier.init) == handles.suffix(15).map(ObjectIdentifier.init))
  }
}
