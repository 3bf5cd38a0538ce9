import EddyTestSupport
import Foundation
import Testing

/// loadgen's histograms read by an independent reader: HdrHistogram's own Python package
/// (`hdrhistogram` from PyPI, in the virtual environment `make venv` creates).
@Suite(.serialized) struct HdrHistogramReaderTests {
  /// The project's virtual environment's Python.
  private static var python: String {
    let testFile = #filePath
    return String(testFile[..<testFile.range(of: "/Tests/EddyLoadGenTests/")!.lowerBound])
      + "/.venv/bin/python"
  }

  /// Decodes the `histogram` of a saved `--json` line and reads an `--hlog` file with the
  /// package's HistogramLogReader, printing what it found as one JSON object.
  private static let reader = #"""
    import json, sys
    from hdrh.histogram import HdrHistogram
    from hdrh.log import HistogramLogReader

    def summary(h):
        return {"total": h.get_total_count(), "p50": h.get_value_at_percentile(50),
                "p90": h.get_value_at_percentile(90), "p99": h.get_value_at_percentile(99),
                "p999": h.get_value_at_percentile(99.9), "max": h.get_max_value(), "mean": h.get_mean_value()}

    report = json.loads(open(sys.argv[1]).read().strip().split("\n")[-1])
    whole = HdrHistogram.decode(report["histogram"])
    reader = HistogramLogReader(sys.argv[2], HdrHistogram(1, 3600000000, 3))
    merged = HdrHistogram(1, 3600000000, 3)
    intervals = []
    while True:
        interval = reader.get_next_interval_histogram()
        if interval is None:
            break
        merged.add(interval)
        intervals.append(summary(interval))
    # The max column of each line, which the reader skips: loadgen writes it in microseconds.
    columns = [float(line.split(",")[2]) for line in open(sys.argv[2]) if line[0].isdigit()]
    print(json.dumps({"json": summary(whole), "hlog": summary(merged), "intervals": intervals,
                      "max_columns": columns, "layout": [whole.lowest_trackable_value,
                      whole.highest_trackable_value, whole.significant_figures]}))
    """#

  @Test func pythonsHdrHistogramReadsTheLogAndTheJSONHistogramAsLoadgenReportedThem() async throws {
    try #require(
      access(Self.python, X_OK) == 0,
      "\(Self.python) is missing: `make venv` installs HdrHistogram's Python package there")
    let tag = "/tmp/eddy-loadgen-hdr-\(getpid())"
    defer { for file in [".json", ".hlog", ".jsonl"] { unlink(tag + file) } }
    try await withEchoServer { port in
      let (status, json, process) = try await runLoadgen([
        "\(port)", "--rate", "3000", "--connections", "3", "--duration", "2", "--interval", "0.5",
        "--hlog", tag + ".hlog", "--intervals", tag + ".jsonl", "--json", "--quiet",
      ])
      #expect(status == 0, "\(process.standardError)")
      try process.standardOutput.write(toFile: tag + ".json", atomically: false, encoding: .utf8)
      let python = try ChildProcess(Self.python, ["-c", Self.reader, tag + ".json", tag + ".hlog"])
      #expect(await python.wait(seconds: 60) == 0, "\(python.standardError)")
      let read = try #require(
        try JSONSerialization.jsonObject(with: Data(python.standardOutput.utf8)) as? [String: Any])
      let whole = try #require(read["json"] as? [String: NSNumber])
      let merged = try #require(read["hlog"] as? [String: NSNumber])
      let latency = try #require(json?["latency_us"] as? [String: NSNumber])
      let received = try #require(json?["received"] as? Int)
      #expect(received > 1000)
      #expect(whole["total"]?.intValue == received && merged["total"]?.intValue == received)
      for key in ["p50", "p90", "p99", "p999", "max"] {
        #expect(whole[key]?.doubleValue == latency[key]?.doubleValue, "\(key)")
        #expect(merged[key]?.doubleValue == latency[key]?.doubleValue, "\(key)")
      }
      let mean = try #require(latency["mean"]?.doubleValue)
      // loadgen prints the mean to three decimals: up to half a thousandth off, and a hair of
      // floating-point rounding on top.
      #expect(abs((whole["mean"]?.doubleValue ?? 0) - mean) <= 0.0005 + 1e-9)
      #expect((read["layout"] as? [Int]) == [1, 3_600_000_000, 3])
      // Interval by interval: the log's histograms are the --intervals records' histograms.
      let intervals = try #require(read["intervals"] as? [[String: NSNumber]])
      let records = try String(contentsOfFile: tag + ".jsonl", encoding: .utf8).split(separator: "\n").map {
        try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
      }
      #expect(intervals.count == 4 && records.count == 4)
      for (interval, record) in zip(intervals, records) {
        let recorded = try #require(record["latency_us"] as? [String: NSNumber])
        #expect(interval["total"]?.intValue == record["received"] as? Int)
        #expect(interval["p99"]?.doubleValue == recorded["p99"]?.doubleValue)
        #expect(interval["max"]?.doubleValue == recorded["max"]?.doubleValue)
      }
      let columns = try #require(read["max_columns"] as? [Double])
      #expect(columns == intervals.map { $0["max"]?.doubleValue ?? -1 })
    }
  }
}
