/// One `--fail-if` condition: `METRIC OP NUMBER[UNIT]`, such as `p99<5ms`, `rate>=10000`,
/// `errors==0` or `error_rate<0.001`. A run whose measured value does not satisfy it fails the
/// gate (loadgen exits 3).
public struct LoadThreshold: Sendable, Equatable {
  /// The expression as it was given.
  public var expression: String
  /// What is measured.
  public var metric: ThresholdMetric
  /// How the measured value is compared with ``limit``.
  public var comparison: ThresholdComparison
  /// The number the measured value is compared with, in the metric's unit (microseconds for
  /// latencies).
  public var limit: Double

  /// Parses `METRIC OP NUMBER[UNIT]`; spaces between the parts are allowed. Latency metrics take
  /// the units `us` (the default), `ms` and `s`; the others take none.
  public init(parsing text: String) throws(LoadConfigurationError) {
    func refuse(_ reason: String) -> LoadConfigurationError {
      .invalidSetting("--fail-if '\(text)': \(reason)")
    }
    let characters = Array(text.filter { $0 != " " })
    var index = 0
    while index < characters.count,
      characters[index].isLetter || characters[index].isNumber || characters[index] == "_"
    {
      index += 1
    }
    let name = String(characters[..<index])
    guard let metric = ThresholdMetric(rawValue: name) else {
      throw refuse(
        "unknown metric '\(name)' (metrics: \(ThresholdMetric.allCases.map(\.rawValue).joined(separator: ", ")))"
      )
    }
    var operatorEnd = index
    while operatorEnd < characters.count, "<>=!".contains(characters[operatorEnd]) { operatorEnd += 1 }
    let symbol = String(characters[index..<operatorEnd])
    guard let comparison = ThresholdComparison(rawValue: symbol) else {
      throw refuse("expected one of < <= > >= == after '\(name)', found '\(symbol)'")
    }
    var numberEnd = operatorEnd
    while numberEnd < characters.count,
      characters[numberEnd].isNumber || "+-.eE".contains(characters[numberEnd])
    {
      numberEnd += 1
    }
    let numberText = String(characters[operatorEnd..<numberEnd])
    guard let number = Double(numberText), number.isFinite else {
      throw refuse("'\(numberText)' is not a number")
    }
    let unit = String(characters[numberEnd...])
    guard let scale = metric.scale(ofUnit: unit) else {
      throw refuse(
        metric.isLatency
          ? "unknown unit '\(unit)' (us, ms or s)" : "\(metric.rawValue) takes no unit, found '\(unit)'")
    }
    self.expression = text
    self.metric = metric
    self.comparison = comparison
    self.limit = number * scale
  }

  /// Whether `value` (in the metric's unit) satisfies the threshold.
  public func holds(for value: Double) -> Bool {
    comparison.compare(value, limit)
  }

  /// Measures `report` and compares.
  public func evaluate(_ report: LoadReport) -> ThresholdOutcome {
    let value = metric.measure(report)
    return ThresholdOutcome(threshold: self, value: value, passed: holds(for: value))
  }
}
