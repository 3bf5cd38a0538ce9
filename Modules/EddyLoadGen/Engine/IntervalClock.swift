import EddyReactor

/// The progress intervals of a run, aligned on the start of the measured window: interval k
/// of the window runs from `warmupEnd + (k-1)·every` to `warmupEnd + k·every`, the warmup has
/// whole intervals of its own before it, and no interval ends at or after the window's end
/// (the run's last report covers that part).
struct IntervalClock: Sendable {
  /// Where the previous interval ended, and the counts then.
  struct Mark: Sendable {
    var counters: WorkerCounters
    var time: Deadline
  }

  let every: Duration
  let warmupEnd: Deadline
  let windowEnd: Deadline?
  /// When the window began, in seconds since the UNIX epoch.
  let windowStart: Double
  /// The start of the first interval: the window's start less the intervals of the warmup.
  let firstStart: Deadline

  init(every: Duration, warmupEnd: Deadline, windowEnd: Deadline?, windowStart: Double, warmup: Duration) {
    self.every = every
    self.warmupEnd = warmupEnd
    self.windowEnd = windowEnd
    self.windowStart = windowStart
    let warmupIntervals = Int((warmup.seconds / every.seconds).rounded(.up))
    firstStart = warmupEnd.advanced(by: .zero - every * warmupIntervals)
  }

  /// The end of interval `index` (from 1), nil once it would reach the window's end.
  func tick(_ index: Int) -> Deadline? {
    let time = firstStart + every * index
    if let windowEnd, time >= windowEnd { return nil }
    return time
  }

  /// The report of the interval from `previous` to `end`, whose merged counts (so far) and
  /// latencies (in the interval) are `interval`.
  func progress(
    _ interval: WorkerInterval, since previous: Mark, at end: Deadline, mode: LoadMode, isLast: Bool
  ) -> LoadProgress {
    let length = previous.time.duration(to: end)
    let seconds = length.seconds
    let counters = interval.counters
    let before = previous.counters
    let messages =
      mode.expectsReplies ? counters.received - before.received : counters.sent - before.sent
    let bytes =
      mode.expectsReplies
      ? counters.bytesReceived - before.bytesReceived : counters.bytesSent - before.bytesSent
    let perSecond = seconds > 0 ? Double(messages) / seconds : 0
    let measured = LoadInterval(
      start: warmupEnd.duration(to: previous.time), length: length, windowStart: windowStart,
      sent: counters.sent - before.sent, received: counters.received - before.received,
      errors: counters.errors.total - before.errors.total, messagesPerSecond: perSecond,
      latency: interval.latency)
    return LoadProgress(
      elapsed: warmupEnd.duration(to: end), messagesPerSecond: perSecond,
      bytesPerSecond: seconds > 0 ? Double(bytes) / seconds : 0,
      p99: LatencySummary(microseconds: interval.latency).p99, connectionsUp: counters.connectionsUp,
      errors: counters.errors.total, interval: measured, isLast: isLast)
  }
}
