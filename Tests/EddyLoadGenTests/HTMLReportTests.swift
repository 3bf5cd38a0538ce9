import EddyLoadGen
import Histogram
import Testing

/// The page `loadgen report` writes, built from inputs made here: its charts, its escaping, its
/// merging, and that it fetches nothing.
@Suite struct HTMLReportTests {
  private let start = 1_700_000_000.0

  /// A histogram of `count` latencies spread evenly over 1...`top` microseconds.
  private func latencies(_ count: Int, top: UInt64 = 1000) -> Histogram<UInt64> {
    var histogram = Histogram<UInt64>(
      highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    for index in 0..<count { histogram.record(1 + UInt64(index) * (top - 1) / UInt64(max(count - 1, 1))) }
    return histogram
  }

  /// An interval log of `intervals` intervals of 0.5 s from `start`, each with `each` latencies.
  private func log(intervals: Int, each: Int, from start: Double) -> (text: String, total: Histogram<UInt64>)
  {
    var total = latencies(0)
    var lines = HistogramLog.header(startTime: start)
    for index in 0..<intervals {
      let histogram = latencies(each, top: 100 * UInt64(index + 1))
      total.add(histogram)
      lines.append(HistogramLog.line(start: 0.5 * Double(index), length: 0.5, histogram: histogram))
    }
    return (lines.joined(separator: "\n") + "\n", total)
  }

  /// A saved `--json` result with `histogram` and the target `target`.
  private func result(_ histogram: Histogram<UInt64>, target: String = "127.0.0.1:7", start: Double) -> String
  {
    let count = "\(histogram.totalCount)"
    return JSONText.object([
      ("target", JSONText.string(target)), ("mode", JSONText.string("echo")), ("connections", "2"),
      ("sent", count), ("received", count), ("in_flight", "0"), ("errors", "0"), ("bytes_sent", "64"),
      ("bytes_received", "64"),
      (
        "thresholds",
        #"[{"expr":"p99<5ms","value":812.000,"ok":true},{"expr":"rate>9","value":1.000,"ok":false}]"#
      ),
      ("window_start", FixedPoint.format(start, 3)), ("window_end", FixedPoint.format(start + 2, 3)),
      ("histogram", JSONText.string(HistogramEncoding.base64(histogram))),
    ])
  }

  /// An `--intervals` file of `count` records 0.25 s apart.
  private func intervals(_ count: Int) -> String {
    (0..<count).map { index in
      JSONText.object([
        ("t_s", FixedPoint.format(0.25 * Double(index), 3)), ("length_s", "0.250"), ("sent", "10"),
        ("received", "10"), ("errors", "0"), ("msgs_per_s", "\(40 + index)"),
        ("latency_us", JSONText.object([("p50", "\(50 + index)"), ("p99", "\(90 + index)"), ("max", "99")])),
      ])
    }.joined(separator: "\n") + "\n"
  }

  private func page(_ files: [(String, String)]) throws -> HTMLReport {
    try HTMLReport(files.map { try ReportInput(name: $0.0, text: $0.1) })
  }

  /// The point counts of each polyline in the `svg` element with `id`, in order.
  private func pointCounts(_ html: String, plot id: String) throws -> [Int] {
    let svg = try #require(html.split(separator: "<svg id=\"\(id)\"").dropFirst().first)
    let body = svg.split(separator: "</svg>").first ?? ""
    return body.split(separator: "<polyline").dropFirst().map { line in
      let points = line.split(separator: "points=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""
      return points.split(separator: " ").count
    }
  }

  @Test func eachChartHasOnePointPerIntervalAndTheCurveTenPerDecade() throws {
    let (text, total) = log(intervals: 5, each: 100, from: start)
    let report = try page([("run.hlog", text)])
    let html = report.html
    #expect(try pointCounts(html, plot: "plot-throughput") == [5])
    #expect(try pointCounts(html, plot: "plot-latency") == [5, 5])
    // 500 latencies: two decades, to 99%.
    #expect(try pointCounts(html, plot: "plot-percentiles") == [21])
    #expect(html.contains(#"data-expected-points="5,5""#))
    #expect(report.timeline.points.map(\.start) == [0, 0.5, 1, 1.5, 2])
    #expect(report.timeline.points.allSatisfy { $0.messagesPerSecond == 200 })
    let each = (0..<5).map { latencies(100, top: 100 * UInt64($0 + 1)).values(atPercentiles: [50, 99]) }
    #expect(report.timeline.points.map(\.p50) == each.map { Double($0[0]) })
    #expect(report.timeline.points.map(\.p99) == each.map { Double($0[1]) })
    #expect(report.timeline.points.last?.p99 == 494)
    #expect(report.merged.latency == total && report.merged.received == 500)
    let curve = report.curve
    #expect(curve.decades == 2 && curve.points.count == 21)
    #expect(curve.points[10].percentile == 90 && curve.points[20].decade == 2)
    #expect(
      curve.points.map(\.value)
        == total.values(atPercentiles: curve.points.map(\.percentile)).map { Double($0) })
    for label in [">0%<", ">90%<", ">99%<"] { #expect(html.contains(label), "\(label)") }
    #expect(!html.contains(">99.9%<"))
  }

  @Test func everyStringFromTheInputsIsEscaped() throws {
    let (_, total) = log(intervals: 2, each: 10, from: start)
    let hostile = #"<script>alert("x")</script>&'"#
    let html = try page([("a<b>&.json", result(total, target: hostile, start: start))]).html
    #expect(!html.contains("<script>alert"))
    #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"))
    #expect(html.contains("a&lt;b&gt;&amp;.json") && !html.contains("a<b>"))
    #expect(html.contains("<td>p99&lt;5ms</td>") && html.contains(#"<td class="fail">fail</td>"#))
    #expect(html.components(separatedBy: "<script>").count == 2)
  }

  @Test func thePageFetchesNothing() throws {
    let (text, total) = log(intervals: 3, each: 50, from: start)
    let html = try page([
      ("r.json", result(total, start: start)), ("r.hlog", text), ("r.jsonl", intervals(3)),
    ]).html
    #expect(!html.contains("http://") && !html.contains("https://"))
    for attribute in ["src=", "href=", "url(", "@import", "<link", "<img", "<iframe"] {
      #expect(!html.lowercased().contains(attribute), "\(attribute)")
    }
    #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<style>") && html.hasSuffix("</html>\n"))
  }

  @Test func aLogThatIsAGivenResultsOwnIsCountedOnceAndAnotherIsAdded() throws {
    let (own, total) = log(intervals: 4, each: 25, from: start)
    let (other, _) = log(intervals: 2, each: 30, from: start + 0.002)
    let report = try page([("a.json", result(total, start: start)), ("a.hlog", own), ("b.hlog", other)])
    #expect(report.merged.results == 1 && report.merged.logs == 1)
    #expect(report.merged.received == 100 + 60 && report.merged.sent == 100)
    #expect(report.roles[1] == "over time; the run of a.json, counted once")
    #expect(report.roles[2] == "summary, distribution and over time")
    // Both logs are drawn, their intervals of the same slot merged: 25 + 30 replies in 0.502 s.
    #expect(report.timeline.points.count == 4)
    #expect(FixedPoint.format(report.timeline.points[0].messagesPerSecond, 1) == "109.6")
  }

  @Test func oneIntervalsFileIsDrawnAsItIsAndSeveralWithoutALogAreRefused() throws {
    let report = try page([("r.jsonl", intervals(6))])
    #expect(report.timeline.points.map(\.messagesPerSecond) == [40, 41, 42, 43, 44, 45])
    #expect(report.timeline.points.map(\.p99) == [90, 91, 92, 93, 94, 95])
    #expect(report.curve.points.isEmpty)
    let html = report.html
    #expect(try pointCounts(html, plot: "plot-latency") == [6, 6])
    #expect(try pointCounts(html, plot: "plot-percentiles") == [0])
    #expect(html.contains("<tr><th>sent</th><td>60</td></tr>"))
    #expect(throws: MergedResults.Refused.self) { try page([("a", intervals(2)), ("b", intervals(2))]) }
  }

  @Test(arguments: [
    ("{\"t_s\":0}\n", "record 1: not an --intervals record: no 'sent'"),
    ("hello\n", "not an --hlog log: line 1: expected [Tag=NAME,]START,LENGTH,MAX,HISTOGRAM"),
    (
      "#[StartTime: 1 (seconds since epoch)]\n",
      "neither a --json line, an --intervals file nor an --hlog log"
    ),
    (#"{"t_s":"#, "not a loadgen --json line: not JSON at byte 7"),
  ])
  func aFileOfNoKnownKindIsRefused(text: String, reason: String) {
    #expect(throws: MergedResults.Refused.self) { try ReportInput(name: "f", text: text) }
    do {
      _ = try ReportInput(name: "f", text: text)
    } catch {
      #expect(error.reason == reason)
    }
  }

  @Test func escapingReplacesTheFiveMarkupCharacters() {
    #expect(HTMLText.escape(#"a<b>c&d"e'f µ"#) == "a&lt;b&gt;c&amp;d&quot;e&#39;f µ")
  }
}
