import HeapModule

/// Timers ordered by deadline, first scheduled first among equal deadlines. Cancelled timers
/// are skipped when they come due, and reclaimed in bulk once they are half of the queue, so
/// a program that schedules and cancels timeouts forever holds no garbage.
struct TimerQueue {
  private struct Entry: Comparable {
    let deadline: UInt64
    let sequence: UInt64
    let handle: CallbackHandle

    static func < (lhs: Entry, rhs: Entry) -> Bool {
      (lhs.deadline, lhs.sequence) < (rhs.deadline, rhs.sequence)
    }

    static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.sequence == rhs.sequence }
  }

  private var heap = Heap<Entry>()
  private var sequence: UInt64 = 0
  private var cancelled = 0

  /// Timers held, cancelled ones included.
  var count: Int { heap.count }

  /// The earliest deadline held, possibly of a cancelled timer.
  var nextDeadline: UInt64? { heap.min?.deadline }

  mutating func insert(_ handle: CallbackHandle) {
    sequence &+= 1
    heap.insert(Entry(deadline: handle.deadline!.nanoseconds, sequence: sequence, handle: handle))
  }

  /// Records one cancellation and reclaims cancelled timers when they dominate.
  mutating func noteCancelled() {
    cancelled += 1
    if cancelled >= 32 && cancelled * 2 >= heap.count {
      heap = Heap(heap.unordered.filter { !$0.handle.isCancelled })
      cancelled = 0
    }
  }

  /// Removes and returns the earliest timer due at or before `now`, cancelled ones skipped.
  mutating func popDue(now: UInt64) -> CallbackHandle? {
    while let first = heap.min, first.deadline <= now {
      heap.removeMin()
      if first.handle.isCancelled {
        cancelled -= 1
        continue
      }
      return first.handle
    }
    return nil
  }
}
