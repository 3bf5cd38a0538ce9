import Histogram

/// The latency percentiles a report shows, in microseconds.
public struct LatencySummary: Sendable, Equatable {
  /// The median.
  public var p50: Double
  /// The 90th percentile.
  public var p90: Double
  /// The 99th percentile.
  public var p99: Double
  /// The 99.9th percentile.
  public var p999: Double
  /// The largest latency recorded.
  public var max: Double
  /// The mean.
  public var mean: Double

  /// Summarizes a histogram of microsecond values (all zero when it is empty); percentiles as
  /// HdrHistogram's `Histogram.values(atPercentiles:)` finds them, the largest value as the highest
  /// equivalent value of its bucket, the mean over the buckets' middles.
  public init(microseconds histogram: Histogram<UInt64>) {
    guard histogram.totalCount > 0 else {
      self.init(p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0)
      return
    }
    let values = histogram.values(atPercentiles: [50, 90, 99, 99.9]).map { Double($0) }
    self.init(
      p50: values[0], p90: values[1], p99: values[2], p999: values[3], max: Double(histogram.max),
      mean: histogram.mean)
  }

  /// Creates a summary from its values.
  public init(p50: Double, p90: Double, p99: Double, p999: Double, max: Double, mean: Double) {
    self.p50 = p50
    self.p90 = p90
    self.p99 = p99
    self.p999 = p999
    self.max = max
    self.mean = mean
  }
}
