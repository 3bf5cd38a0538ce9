/// The send times of one connection's outstanding messages, oldest first.
///
/// Messages written together share their time, so times are kept as runs (a time and how many
/// messages have it): a closed loop that sends K messages in one write pushes one run, and the
/// K replies that come back together are matched, timed and recorded as one. The runs live in a
/// ring buffer that grows by doubling and otherwise never allocates.
struct SendTimeRing {
  private struct Run {
    var time: UInt64
    var count: Int
  }

  private var runs: [Run]
  private var head = 0
  private var runCount = 0
  /// The number of messages held, all runs together.
  private(set) var count = 0

  /// A ring with room for at least `capacity` runs before it first grows.
  init(capacity: Int) {
    var size = 1
    while size < capacity { size &<<= 1 }
    runs = [Run](repeating: Run(time: 0, count: 0), count: size)
  }

  /// True when nothing is outstanding.
  var isEmpty: Bool { count == 0 }

  /// Appends `copies` messages (at least one) sent at `time`, the newest.
  @inline(__always)
  mutating func append(_ time: UInt64, count copies: Int = 1) {
    count &+= copies
    if runCount > 0 {
      let last = (head &+ runCount &- 1) & (runs.count &- 1)
      if runs[last].time == time {
        runs[last].count &+= copies
        return
      }
    }
    if runCount == runs.count { grow() }
    runs[(head &+ runCount) & (runs.count &- 1)] = Run(time: time, count: copies)
    runCount &+= 1
  }

  /// Removes up to `limit` (at least one) of the oldest messages, all sent at one time, and
  /// returns that time and how many were removed; nil when empty.
  @inline(__always)
  mutating func removeFirst(upTo limit: Int) -> (time: UInt64, count: Int)? {
    guard runCount > 0 else { return nil }
    let time = runs[head].time
    let available = runs[head].count
    guard available <= limit else {
      runs[head].count = available &- limit
      count &-= limit
      return (time, limit)
    }
    head = (head &+ 1) & (runs.count &- 1)
    runCount &-= 1
    count &-= available
    return (time, available)
  }

  /// Removes every message sent before `deadline` (the oldest ones: times only grow) and
  /// returns how many were removed, and how many of those were sent at or after `threshold`.
  mutating func removeSent(
    before deadline: UInt64, countingFrom threshold: UInt64
  ) -> (removed: Int, counted: Int) {
    var removed = 0
    var counted = 0
    while runCount > 0 && runs[head].time < deadline {
      let run = runs[head]
      removed += run.count
      if run.time >= threshold { counted += run.count }
      head = (head + 1) & (runs.count - 1)
      runCount -= 1
      count -= run.count
    }
    return (removed, counted)
  }

  /// How many held messages were sent at or after `threshold`.
  func count(atOrAfter threshold: UInt64) -> Int {
    var found = 0
    for offset in 0..<runCount {
      let run = runs[(head + offset) & (runs.count - 1)]
      if run.time >= threshold { found += run.count }
    }
    return found
  }

  /// Forgets every time.
  mutating func removeAll() {
    head = 0
    runCount = 0
    count = 0
  }

  private mutating func grow() {
    var larger = [Run](repeating: Run(time: 0, count: 0), count: runs.count * 2)
    for offset in 0..<runCount { larger[offset] = runs[(head + offset) & (runs.count - 1)] }
    runs = larger
    head = 0
  }
}
