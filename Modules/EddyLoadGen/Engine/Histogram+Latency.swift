import Histogram

extension Histogram where Count == UInt64 {
  /// The largest latency tracked: one hour, in microseconds. Longer ones are recorded as this.
  static var highestLatency: UInt64 { 3_600_000_000 }

  /// An empty histogram for microsecond latencies with three significant digits, the layout
  /// every histogram loadgen writes has (lowest discernible value 1, highest one hour).
  static func latency() -> Self {
    Self(highestTrackableValue: highestLatency, numberOfSignificantValueDigits: .three)
  }

  /// Records `count` replies of one latency given in nanoseconds, as microseconds rounded to the
  /// nearest and clamped to ``highestLatency``.
  @inline(__always)
  mutating func recordLatency(_ nanoseconds: UInt64, count: Int) {
    record(Swift.min((nanoseconds &+ 500) / 1000, Self.highestLatency), count: UInt64(count))
  }
}
