import Histogram

extension Histogram where Count == UInt64 {
  /// The largest latency tracked: one hour, in nanoseconds. Longer ones are recorded as this.
  static var highestLatency: UInt64 { 3_600_000_000_000 }

  /// An empty histogram for nanosecond latencies with three significant digits.
  static func latency() -> Self {
    Self(highestTrackableValue: highestLatency, numberOfSignificantValueDigits: .three)
  }

  /// Records `count` replies of one latency in nanoseconds, clamped to ``highestLatency``.
  @inline(__always)
  mutating func recordLatency(_ nanoseconds: UInt64, count: Int) {
    record(Swift.min(nanoseconds, Self.highestLatency), count: UInt64(count))
  }
}
