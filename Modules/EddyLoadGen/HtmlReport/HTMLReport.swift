import Histogram

/// The page `loadgen report` writes: one self-contained HTML file (inline CSS, inline SVG, a
/// short inline script that checks the drawing; nothing fetched) with the summary, throughput
/// and p50/p99 over time, the latency distribution on HdrHistogram's percentile scale, every
/// run's settings and thresholds, and what each input file gave.
///
/// The summary and the distribution are the exact merge of the `--json` results and the
/// `--hlog` logs, as `loadgen merge` makes it, except that a log that is the record of a given
/// result (its first interval starts at the result's `window_start` and its intervals add up to
/// the result's histogram) is not counted again. Over time, the page draws the logs' intervals,
/// merged slot by slot; without a log, the records of one `--intervals` file.
public struct HTMLReport: Sendable {
  /// The files, in the order given.
  public let inputs: [ReportInput]
  /// The results and logs merged.
  public let merged: MergedResults
  /// What is drawn over time.
  public let timeline: ReportTimeline
  /// The merged latencies by percentile; empty when nothing recorded a latency.
  public let curve: PercentileCurve
  /// What each input gave the page, in the order of ``inputs``.
  public let roles: [String]

  /// Builds the report of `inputs`; refused (the reason naming the file) when a result or log
  /// cannot be merged, or when several `--intervals` files would be drawn with no log.
  public init(_ inputs: [ReportInput]) throws(MergedResults.Refused) {
    var merged = MergedResults()
    var results: [(name: String, start: Double?, histogram: Histogram<UInt64>?)] = []
    for input in inputs {
      guard case .result(let object) = input.contents else { continue }
      do {
        try merged.add(result: object)
      } catch {
        throw MergedResults.Refused(reason: "\(input.name): \(error)")
      }
      let histogram = object["histogram"]?.string.flatMap { try? HistogramEncoding.decode(base64: $0) }
      results.append((input.name, object["window_start"]?.number, histogram))
    }
    var roles: [String] = []
    var logs: [[HistogramLog.Interval]] = []
    var records: [[IntervalRecord]] = []
    for input in inputs {
      switch input.contents {
      case .result:
        roles.append("summary, distribution and settings")
      case .log(let intervals):
        logs.append(intervals)
        var alone = MergedResults()
        do {
          try alone.add(log: intervals)
        } catch {
          throw MergedResults.Refused(reason: "\(input.name): \(error)")
        }
        let run = results.first { result in
          guard let start = result.start, let first = intervals.first else { return false }
          return abs(first.start - start) < 0.0015 && result.histogram == alone.latency
        }
        if let run {
          roles.append("over time; the run of \(run.name), counted once")
        } else {
          do {
            try merged.add(log: intervals)
          } catch {
            throw MergedResults.Refused(reason: "\(input.name): \(error)")
          }
          roles.append("summary, distribution and over time")
        }
      case .intervals(let file):
        records.append(file)
        roles.append("over time")
      }
    }
    if !logs.isEmpty {
      timeline = try ReportTimeline(logs: logs)
      roles = zip(inputs, roles).map { input, role in
        if case .intervals = input.contents { "not drawn: the logs' intervals are" } else { role }
      }
    } else if records.count > 1 {
      throw MergedResults.Refused(
        reason: "\(records.count) --intervals files and no --hlog log: their percentiles cannot be merged "
          + "exactly; give the runs' --hlog logs")
    } else {
      timeline = ReportTimeline(records: records.first ?? [])
    }
    self.inputs = inputs
    self.merged = merged
    self.roles = roles
    curve = PercentileCurve(microseconds: merged.latency ?? .latency())
  }

  /// The three charts: throughput, p50 and p99 over time, and latency by percentile.
  var charts: [SVGLineChart] {
    let points = timeline.points
    let noIntervals = "no intervals: give the run's --hlog or --intervals file"
    return [
      SVGLineChart(
        id: "plot-throughput", title: "throughput over time", xAxis: .seconds, yTitle: "messages per second",
        series: [
          .init(name: "msgs/s", style: "s-rate", points: points.map { ($0.start, $0.messagesPerSecond) })
        ],
        emptyNote: noIntervals),
      SVGLineChart(
        id: "plot-latency", title: "p50 and p99 latency over time", xAxis: .seconds, yTitle: "latency (µs)",
        series: [
          .init(name: "p50", style: "s-p50", points: points.map { ($0.start, $0.p50) }),
          .init(name: "p99", style: "s-p99", points: points.map { ($0.start, $0.p99) }),
        ], emptyNote: noIntervals),
      SVGLineChart(
        id: "plot-percentiles", title: "latency by percentile", xAxis: .percentile(decades: curve.decades),
        yTitle: "latency (µs)",
        series: [.init(name: "latency", style: "s-dist", points: curve.points.map { ($0.decade, $0.value) })],
        emptyNote: "no latencies: give a --json result or an --hlog log of a run that expected replies"),
    ]
  }

  /// The page.
  public var html: String {
    let charts = charts
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(HTMLText.escape(title))</title>
      <style>\(Self.style)</style>
      </head>
      <body data-rendered="no">
      <h1>\(HTMLText.escape(title))</h1>
      <pre id="report-errors"></pre>
      <section><h2>Summary</h2>\(table(summary))</section>
      <section><h2>Throughput</h2>\(charts[0].svg)</section>
      <section><h2>Latency over time</h2>\(charts[1].svg)</section>
      <section><h2>Latency by percentile</h2>\(charts[2].svg)</section>
      <section><h2>Settings</h2>\(settings)</section>
      <section><h2>Inputs</h2>\(table(zip(inputs, roles).map { ($0.name, $1) }))</section>
      <script>\(Self.script)</script>
      </body>
      </html>

      """
  }

  /// The page's title: when its window began.
  private var title: String {
    "loadgen report" + (merged.windowStart.map { ", " + HistogramLog.iso8601($0) } ?? "")
  }

  /// The summary's rows: the merge's, or with neither result nor log the `--intervals` records'
  /// sums.
  private var summary: [(String, String)] {
    let files = inputs.count { if case .intervals = $0.contents { true } else { false } }
    let given =
      "\(merged.results) --json results, \(merged.logs) --hlog logs counted, \(files) --intervals files"
    guard merged.results + merged.logs > 0 else {
      let records = inputs.flatMap { input -> [IntervalRecord] in
        if case .intervals(let records) = input.contents { records } else { [] }
      }
      return [
        ("inputs", given), ("sent", "\(records.reduce(0) { $0 + $1.sent })"),
        ("received", "\(records.reduce(0) { $0 + $1.received })"),
        ("errors", "\(records.reduce(0) { $0 + $1.errors })"), ("intervals", "\(records.count)"),
      ]
    }
    let latency = merged.latencySummary
    func us(_ value: Double) -> String { FixedPoint.format(value, 1) + " µs" }
    let window = merged.windowStart.map { start in
      "\(HistogramLog.iso8601(start)) to \(HistogramLog.iso8601(merged.windowEnd ?? start)), "
        + "\(FixedPoint.format(merged.duration.seconds, 3)) s"
    }
    return [
      ("inputs", given), ("window", window ?? "none"), ("connections", "\(merged.connections)"),
      ("sent", "\(merged.sent)"), ("received", "\(merged.received)"), ("in flight", "\(merged.inFlight)"),
      ("errors", "\(merged.errors)"),
      ("throughput", FixedPoint.format(merged.messagesPerSecond, 1) + " msg/s"),
      ("latency p50", us(latency.p50)), ("latency p90", us(latency.p90)), ("latency p99", us(latency.p99)),
      ("latency p99.9", us(latency.p999)), ("latency max", us(latency.max)),
      ("latency mean", us(latency.mean)),
    ]
  }

  /// Each result's settings and counts, its thresholds apart.
  private var settings: String {
    var out = ""
    for input in inputs {
      guard case .result(let object) = input.contents else { continue }
      out += "<h3>\(HTMLText.escape(input.name))</h3>" + table(Self.rows(object, ""))
      guard case .array(let thresholds)? = object["thresholds"], !thresholds.isEmpty else { continue }
      out += "<h4>Thresholds</h4><table><tr><th>threshold</th><th>measured</th><th>result</th></tr>"
      for threshold in thresholds {
        let ok = threshold["ok"] == .bool(true)
        out +=
          "<tr><td>\(HTMLText.escape(threshold["expr"]?.string ?? "?"))</td>"
          + "<td>\(HTMLText.escape(threshold["value"].map { Self.text($0) } ?? "?"))</td>"
          + "<td class=\"\(ok ? "pass" : "fail")\">\(ok ? "pass" : "fail")</td></tr>"
      }
      out += "</table>"
    }
    return out.isEmpty ? "<p>No --json result was given.</p>" : out
  }

  /// A two-column table, every cell escaped.
  private func table(_ rows: [(String, String)]) -> String {
    "<table>"
      + rows.map { "<tr><th>\(HTMLText.escape($0))</th><td>\(HTMLText.escape($1))</td></tr>" }.joined()
      + "</table>"
  }

  /// A result's members as rows, nested ones named `outer.inner` and `list[0]`; the histogram
  /// and the thresholds (shown apart) left out.
  private static func rows(_ value: JSONValue, _ name: String) -> [(String, String)] {
    switch value {
    case .object(let members):
      members.flatMap { key, member in
        name.isEmpty && (key == "histogram" || key == "thresholds")
          ? [] : rows(member, name.isEmpty ? key : name + "." + key)
      }
    case .array(let elements): elements.enumerated().flatMap { rows($1, "\(name)[\($0)]") }
    default: [(name, text(value))]
    }
  }

  /// A scalar JSON value as text: whole numbers without fraction, others with three digits.
  private static func text(_ value: JSONValue) -> String {
    switch value {
    case .string(let string): string
    case .number(let number):
      number == number.rounded() && abs(number) < 9e15 ? "\(Int64(number))" : FixedPoint.format(number, 3)
    case .bool(let bool): bool ? "true" : "false"
    case .null: "none"
    case .object, .array: ""
    }
  }

  private static let style = """
    body{font:15px/1.4 system-ui,sans-serif;color:#222;margin:24px auto;max-width:1100px;padding:0 16px}
    h1{font-size:22px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px}h4{font-size:14px}
    table{border-collapse:collapse;margin:4px 0 12px}th,td{text-align:left;padding:2px 14px 2px 0;
    vertical-align:top}th{font-weight:600;color:#555}td.pass{color:#1a7f37}td.fail{color:#c62828;font-weight:600}
    #report-errors{color:#c62828}#report-errors:empty{display:none}
    svg.plot{display:block;width:100%;height:auto;background:#fff}
    svg.plot text{font:13px system-ui,sans-serif;fill:#444}svg.plot text.empty{fill:#999;font-size:15px}
    .grid{stroke:#e6e6e6;stroke-width:1}.frame{fill:none;stroke:#999}
    .series{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
    .s-rate{stroke:#1f77b4}.s-p50{stroke:#2ca02c}.s-p99{stroke:#d62728}.s-dist{stroke:#6f42c1}
    """

  /// Checks what the browser drew: each plot's measured size and the points of each of its lines
  /// go into `data-width`, `data-height` and `data-points`; any problem or script error is written
  /// into `#report-errors`; `data-rendered` on the body ends `ok` only when there was none.
  private static let script = """
    (function () {
      var errors = document.getElementById('report-errors');
      function fail(message) { errors.textContent += message + '\\n'; document.body.dataset.rendered = 'failed'; }
      window.addEventListener('error', function (event) { fail('script error: ' + event.message); });
      try {
        var plots = document.querySelectorAll('svg.plot');
        if (plots.length !== 3) fail('expected 3 plots, found ' + plots.length);
        plots.forEach(function (svg) {
          var box = svg.getBoundingClientRect();
          svg.dataset.width = Math.round(box.width);
          svg.dataset.height = Math.round(box.height);
          if (!(box.width > 0 && box.height > 0)) fail(svg.id + ': drawn with no size');
          var counts = [];
          svg.querySelectorAll('polyline.series').forEach(function (line) {
            var count = line.points.numberOfItems, extent = line.getBBox();
            counts.push(count);
            if (count > 1 && !(extent.width > 0 || extent.height > 0)) fail(svg.id + ': ' + line.dataset.series + ' has no extent');
          });
          svg.dataset.points = counts.join(',');
          if (svg.dataset.points !== svg.dataset.expectedPoints) {
            fail(svg.id + ': ' + svg.dataset.points + ' points drawn, ' + svg.dataset.expectedPoints + ' expected');
          }
        });
      } catch (error) {
        fail('script error: ' + error);
      }
      if (errors.textContent === '') document.body.dataset.rendered = 'ok';
    })();
    """
}
