/// What a ``LoadThreshold`` measures in a report.
public enum ThresholdMetric: String, Sendable, CaseIterable {
  /// Latency percentiles, the largest latency and the mean, in microseconds.
  case p50, p90, p99, p999, max, mean
  /// Messages per second over the window (``LoadReport/messagesPerSecond``).
  case rate
  /// The total count of errors of every kind.
  case errors
  /// Errors divided by messages sent (0 when nothing was sent and nothing failed).
  case errorRate = "error_rate"

  /// A latency, measured in microseconds and given with a time unit.
  public var isLatency: Bool {
    switch self {
    case .p50, .p90, .p99, .p999, .max, .mean: true
    case .rate, .errors, .errorRate: false
    }
  }

  /// What a number written with `unit` is worth in the metric's own unit; nil for a unit the
  /// metric does not take. An empty unit is the metric's own.
  func scale(ofUnit unit: String) -> Double? {
    switch (isLatency, unit) {
    case (_, ""), (true, "us"): 1
    case (true, "ms"): 1000
    case (true, "s"): 1_000_000
    default: nil
    }
  }

  /// The metric's value in `report`, in its own unit.
  public func measure(_ report: LoadReport) -> Double {
    let latency = report.latencySummary
    switch self {
    case .p50: return latency.p50
    case .p90: return latency.p90
    case .p99: return latency.p99
    case .p999: return latency.p999
    case .max: return latency.max
    case .mean: return latency.mean
    case .rate: return report.messagesPerSecond
    case .errors: return Double(report.errors.total)
    case .errorRate:
      let errors = report.errors.total
      guard report.sent > 0 else { return errors > 0 ? 1 : 0 }
      return Double(errors) / Double(report.sent)
    }
  }

  /// The measured value as the summary shows it, with its unit.
  public func format(_ value: Double) -> String {
    switch self {
    case .p50, .p90, .p99, .p999, .max, .mean: FixedPoint.format(value, 1) + " us"
    case .rate: FixedPoint.format(value, 1) + " msg/s"
    case .errors: FixedPoint.format(value, 0)
    case .errorRate: FixedPoint.format(value, 6)
    }
  }

  /// Fraction digits of the value in JSON: counts are integers, the error rate keeps nine.
  var jsonDigits: Int {
    switch self {
    case .errors: 0
    case .errorRate: 9
    default: 3
    }
  }
}
