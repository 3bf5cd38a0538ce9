/// A ``LoadThreshold`` checked against a run: what was measured and whether it passed.
public struct ThresholdOutcome: Sendable {
  /// The threshold.
  public var threshold: LoadThreshold
  /// The measured value, in the metric's unit (microseconds for latencies).
  public var value: Double
  /// Whether the measured value satisfies the threshold.
  public var passed: Bool

  /// One line of the readable summary, such as `threshold    p99<5ms: 812.0 us, pass`.
  public var summaryLine: String {
    "threshold    \(threshold.expression): \(threshold.metric.format(value)), \(passed ? "pass" : "FAIL")"
  }

  /// The outcome as a JSON object: `expr`, `value` (the metric's unit), `ok`.
  public var json: String {
    JSONText.object([
      ("expr", JSONText.string(threshold.expression)),
      ("value", JSONText.number(value, digits: threshold.metric.jsonDigits)),
      ("ok", passed ? "true" : "false"),
    ])
  }
}
