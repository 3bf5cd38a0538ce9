import EddyLoadGen
import Testing

/// `--fail-if` expressions: the grammar, the units, every operator on both sides of its limit,
/// and every metric measured from a real run.
@Suite struct ThresholdTests {
  @Test(arguments: [
    ("p50<250", ThresholdMetric.p50, ThresholdComparison.less, 250.0),
    ("p90 <= 2ms", .p90, .lessOrEqual, 2000),
    ("p99<5ms", .p99, .less, 5000),
    ("p999>1.5s", .p999, .greater, 1_500_000),
    ("max>=30us", .max, .greaterOrEqual, 30),
    ("mean==0.25ms", .mean, .equal, 250),
    ("rate>=1e4", .rate, .greaterOrEqual, 10_000),
    ("errors==0", .errors, .equal, 0),
    ("error_rate < 0.001", .errorRate, .less, 0.001),
  ])
  func expressionsParseIntoMetricOperatorAndLimit(
    text: String, metric: ThresholdMetric, comparison: ThresholdComparison, limit: Double
  ) throws {
    let threshold = try LoadThreshold(parsing: text)
    #expect(threshold.metric == metric)
    #expect(threshold.comparison == comparison)
    #expect(threshold.limit == limit)
    #expect(threshold.expression == text)
  }

  @Test(arguments: [
    ("p95<5ms", "unknown metric 'p95'"),
    ("p99", "expected one of < <= > >= == after 'p99', found ''"),
    ("p99=<5", "found '=<'"),
    ("p99!=5", "found '!='"),
    ("p99<", "'' is not a number"),
    ("p99<fast", "'' is not a number"),
    ("p99<5min", "unknown unit 'min' (us, ms or s)"),
    ("rate>5ms", "rate takes no unit, found 'ms'"),
    ("errors<1us", "errors takes no unit"),
    ("error_rate<1%", "error_rate takes no unit, found '%'"),
    ("p99<1e999", "'1e999' is not a number"),
  ])
  func malformedExpressionsAreRefusedNamingTheOption(text: String, reason: String) {
    #expect {
      try LoadThreshold(parsing: text)
    } throws: { error in
      let description = "\(error)"
      return description.hasPrefix("--fail-if '\(text)': ") && description.contains(reason)
    }
  }

  @Test(arguments: [
    ("p99<10", 9.0, 10.0), ("p99<=10", 10, 10.5), ("p99>10", 10.5, 10), ("p99>=10", 10, 9.5),
    ("p99==10", 10, 10.001),
  ])
  func everyOperatorPassesAndFails(text: String, passing: Double, failing: Double) throws {
    let threshold = try LoadThreshold(parsing: text)
    #expect(threshold.holds(for: passing))
    #expect(!threshold.holds(for: failing))
  }

  @Test func everyMetricIsMeasuredFromTheReport() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.requests = 3000
    configuration.duration = .seconds(20)
    let report = try await LoadGenerator(configuration).run()
    let latency = report.latencySummary
    let expected: [(ThresholdMetric, Double)] = [
      (.p50, latency.p50), (.p90, latency.p90), (.p99, latency.p99), (.p999, latency.p999),
      (.max, latency.max), (.mean, latency.mean), (.rate, report.messagesPerSecond),
      (.errors, Double(report.errors.total)), (.errorRate, Double(report.errors.total) / Double(report.sent)),
    ]
    #expect(latency.p50 > 0 && latency.p50 <= latency.p90 && latency.p99 <= latency.max)
    for (metric, value) in expected {
      #expect(metric.measure(report) == value, "\(metric)")
      let passing = try LoadThreshold(parsing: "\(metric.rawValue)<=\(value)").evaluate(report)
      #expect(passing.passed && passing.value == value, "\(metric)")
      let failing = try LoadThreshold(parsing: "\(metric.rawValue)>\(value)").evaluate(report)
      #expect(!failing.passed, "\(metric)")
      #expect(failing.summaryLine.hasSuffix("FAIL") && passing.summaryLine.hasSuffix("pass"))
    }
  }
}
