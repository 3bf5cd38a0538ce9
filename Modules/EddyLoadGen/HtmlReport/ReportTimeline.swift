/// What a report draws over time: per interval, its throughput and its p50 and p99 latencies.
public struct ReportTimeline: Sendable {
  /// One interval.
  public struct Point: Sendable, Equatable {
    /// The interval's start, in seconds since the earliest window began.
    public var start: Double
    /// Its throughput, in messages per second.
    public var messagesPerSecond: Double
    /// Its median latency, in microseconds.
    public var p50: Double
    /// Its 99th percentile latency, in microseconds.
    public var p99: Double
  }

  /// The intervals, in order of their start.
  public let points: [Point]

  /// The records of one `--intervals` file, as they are.
  public init(records: [IntervalRecord]) {
    points = records.sorted { $0.start < $1.start }.map {
      Point(start: $0.start, messagesPerSecond: $0.messagesPerSecond, p50: $0.p50, p99: $0.p99)
    }
  }

  /// The intervals of any number of interval logs, merged exactly: each interval falls in the
  /// slot of the most common interval length, counted from the earliest start, nearest its own
  /// start (runs started together with `--start-at` begin within a slot of each other); the
  /// intervals of one slot are merged as `loadgen merge` merges logs, their histograms added
  /// bucket by bucket, and the slot's throughput is their replies over their joint window.
  public init(logs: [[HistogramLog.Interval]]) throws(MergedResults.Refused) {
    let intervals = logs.joined()
    guard let origin = intervals.map(\.start).min() else {
      points = []
      return
    }
    var lengths: [Int: Int] = [:]
    for interval in intervals { lengths[Int((interval.length * 1000).rounded()), default: 0] += 1 }
    let common = lengths.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? 1000
    let slot = Double(Swift.max(common, 1)) / 1000
    var slots: [Int: [HistogramLog.Interval]] = [:]
    for interval in intervals {
      slots[Int(((interval.start - origin) / slot).rounded()), default: []].append(interval)
    }
    var points: [Point] = []
    for (index, members) in slots.sorted(by: { $0.key < $1.key }) {
      var merged = MergedResults()
      try merged.add(log: members)
      let latency = merged.latencySummary
      points.append(
        Point(
          start: Double(index) * slot, messagesPerSecond: merged.messagesPerSecond, p50: latency.p50,
          p99: latency.p99))
    }
    self.points = points
  }
}
