import EddyTestSupport
import Foundation
import Testing

/// `loadgen --fail-if`: thresholds in the summary and the JSON, and the exit status they give.
@Suite(.serialized) struct ThresholdCommandTests {
  private static let run = ["--requests", "1500", "--connections", "2", "--loops", "1", "--json"]

  /// The `thresholds` member of a run's JSON, by expression.
  private func outcomes(_ json: [String: Any]?) throws -> [String: (value: Double, ok: Bool)] {
    let list = try #require(json?["thresholds"] as? [[String: Any]])
    var outcomes: [String: (value: Double, ok: Bool)] = [:]
    for item in list {
      outcomes[try #require(item["expr"] as? String)] = (
        try #require(item["value"] as? Double), try #require(item["ok"] as? Bool)
      )
    }
    return outcomes
  }

  @Test func everyMetricPassingExitsZeroAndIsListed() async throws {
    let passing = [
      "p50<60s", "p90<=60000ms", "p99 < 60000000", "p999<60s", "max<=60s", "mean<60s", "rate>0", "errors==0",
      "error_rate<=0",
    ]
    try await withEchoServer { port in
      let (status, json, process) = try await runLoadgen(
        ["\(port)"] + Self.run + passing.flatMap { ["--fail-if", $0] })
      #expect(status == 0, "\(process.standardError)")
      let found = try outcomes(json)
      #expect(Set(found.keys) == Set(passing))
      #expect(found.values.allSatisfy { $0.ok })
      let latency = try #require(json?["latency_us"] as? [String: Double])
      #expect(found["p99 < 60000000"]?.value == latency["p99"])
      #expect(found["rate>0"]?.value == json?["msgs_per_s"] as? Double)
      for expression in passing {
        #expect(process.standardOutput.contains("threshold    \(expression): "), "\(expression)")
      }
      #expect(!process.standardOutput.contains("FAIL"))
    }
  }

  @Test func everyMetricFailingExitsThreeAfterTheReport() async throws {
    let failing = [
      "p50>60s", "p90>=60s", "p99==0.5us", "p999>60s", "max>60s", "mean>=60s", "rate<1", "errors>0",
      "error_rate>0",
    ]
    try await withEchoServer { port in
      let (status, json, process) = try await runLoadgen(
        ["\(port)"] + Self.run + ["--fail-if", "errors<=0"] + failing.flatMap { ["--fail-if", $0] })
      #expect(status == 3, "\(process.standardError)")
      #expect(json?["received"] as? Int == 1500)
      let found = try outcomes(json)
      #expect(found["errors<=0"]?.ok == true)
      for expression in failing {
        #expect(found[expression]?.ok == false, "\(expression)")
        #expect(process.standardOutput.contains("threshold    \(expression): "), "\(expression)")
      }
      #expect(
        process.standardError.contains("loadgen: --fail-if: 9 of 10 thresholds failed: p50>60s (measured "))
    }
  }

  @Test func anExitOneConditionWinsOverAFailedThreshold() async throws {
    let server = try CountingEchoServer(corruptOffset: 100)
    defer { server.stop() }
    let (status, json, process) = try await runLoadgen([
      "\(server.server.port!)", "--requests", "100", "--verify", "--json", "--quiet", "--fail-if",
      "errors==0",
    ])
    #expect(status == 1)
    #expect(try outcomes(json)["errors==0"]?.ok == false)
    #expect(process.standardError.contains("--verify: 1 replies differed"))
  }

  @Test(arguments: [
    ("p95<5ms", "--fail-if 'p95<5ms': unknown metric 'p95'"),
    ("p99<5min", "--fail-if 'p99<5min': unknown unit 'min'"),
    ("rate=>5", "--fail-if 'rate=>5': expected one of < <= > >= =="),
  ])
  func aMalformedExpressionExitsTwoNamingFailIf(expression: String, message: String) async throws {
    let (status, _, process) = try await runLoadgen(["9", "--fail-if", expression])
    #expect(status == 2)
    #expect(process.standardError.contains(message), "\(process.standardError)")
  }

  @Test func aLatencyThresholdOnASinkIsRefused() async throws {
    let (status, _, process) = try await runLoadgen(["9", "--mode", "sink", "--fail-if", "p99<1ms"])
    #expect(status == 2)
    #expect(process.standardError.contains("--fail-if 'p99<1ms': --mode sink measures no latency"))
  }
}
