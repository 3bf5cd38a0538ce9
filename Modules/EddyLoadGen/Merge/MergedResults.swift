import Histogram

/// The results of many runs combined exactly, from any number of hosts: saved `--json` lines
/// and `--hlog` files. Counts are summed, the latency histograms added bucket by bucket (so the
/// percentiles are those of every sample together, never an average of percentiles), and the
/// window runs from the earliest start to the latest end.
///
/// An interval log holds latencies only: it adds its replies to ``received`` and its histogram,
/// but nothing to ``sent``, ``inFlight`` or ``errors``. Give a run once, as its JSON or its log.
public struct MergedResults: Sendable {
  /// Saved `--json` results added.
  public private(set) var results = 0
  /// Interval logs added.
  public private(set) var logs = 0
  /// Connections asked for, summed over the results.
  public private(set) var connections = 0
  /// Messages written, summed over the results.
  public private(set) var sent = 0
  /// Replies received: summed over the results, plus every latency of the logs.
  public private(set) var received = 0
  /// Messages in flight when their runs ended, summed over the results.
  public private(set) var inFlight = 0
  /// Errors of every kind, summed over the results.
  public private(set) var errors = 0
  /// Payload bytes received (sent, for sinks), summed over the results.
  public private(set) var bytes = 0
  /// Some result expected replies, or a log was added: throughput counts replies.
  private var countsReplies = false
  /// The earliest start and the latest end, in seconds since the UNIX epoch.
  public private(set) var windowStart: Double?
  /// The latest end of a window.
  public private(set) var windowEnd: Double?
  /// Every latency, in microseconds.
  public private(set) var latency: Histogram<UInt64>?

  /// Nothing merged yet.
  public init() {}

  /// Why a file's contents could not be merged.
  public struct Refused: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var reason: String
    /// The reason.
    public var description: String { reason }
  }

  /// Adds a file's contents: a saved `--json` result (its last non-empty line is the JSON
  /// object, so a whole saved standard output will do) or an `--hlog` interval log.
  public mutating func add(contentsOf text: String) throws(Refused) {
    let last = text.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) } ?? ""
    if last.first(where: { !$0.isWhitespace }) == "{" {
      do {
        try add(result: try JSONValue(parsing: String(last)))
      } catch let error as Refused {
        throw error
      } catch {
        throw Refused(reason: "not a loadgen --json line: \(error)")
      }
    } else {
      do {
        let intervals = try HistogramLog.read(text)
        guard !intervals.isEmpty else { throw Refused(reason: "neither a --json line nor an --hlog log") }
        try add(log: intervals)
      } catch let error as HistogramLog.ReadError {
        throw Refused(reason: "not an --hlog log: \(error)")
      } catch let error as Refused {
        throw error
      } catch {
        throw Refused(reason: "\(error)")
      }
    }
  }

  /// Adds one saved `--json` result.
  public mutating func add(result: JSONValue) throws(Refused) {
    func count(_ key: String) throws(Refused) -> Int {
      guard let value = result[key]?.number, value >= 0, value < 9e15, value == value.rounded() else {
        throw Refused(reason: "not a loadgen --json line: no count '\(key)'")
      }
      return Int(value)
    }
    func time(_ key: String) throws(Refused) -> Double {
      guard let value = result[key]?.number else {
        throw Refused(reason: "not a loadgen --json line: no '\(key)' (written by loadgen since --hlog)")
      }
      return value
    }
    guard let encoded = result["histogram"]?.string else {
      throw Refused(reason: "not a loadgen --json line: no 'histogram' (written by loadgen since --hlog)")
    }
    let histogram: Histogram<UInt64>
    do {
      histogram = try HistogramEncoding.decode(base64: encoded)
    } catch {
      throw Refused(reason: "histogram: \(error)")
    }
    let replies = result["mode"]?.string != LoadMode.sink.rawValue
    let (start, end) = (try time("window_start"), try time("window_end"))
    let (connections, sent, received) = (try count("connections"), try count("sent"), try count("received"))
    let (inFlight, errors) = (try count("in_flight"), try count("errors"))
    let bytes = try count(replies ? "bytes_received" : "bytes_sent")
    try add(histogram)
    results += 1
    self.connections += connections
    self.sent += sent
    self.received += received
    self.inFlight += inFlight
    self.errors += errors
    self.bytes += bytes
    countsReplies = countsReplies || replies
    widen(start, end)
  }

  /// Adds the intervals of one interval log.
  public mutating func add(log intervals: [HistogramLog.Interval]) throws(Refused) {
    for interval in intervals {
      try add(interval.histogram)
      received += Int(interval.histogram.totalCount)
      widen(interval.start, interval.start + interval.length)
    }
    logs += 1
    countsReplies = true
  }

  /// The merged window's length.
  public var duration: Duration {
    guard let windowStart, let windowEnd else { return .zero }
    return .nanoseconds(Int64(((windowEnd - windowStart) * 1e9).rounded()))
  }

  /// Messages per second over the merged window: replies, unless every result was a sink's.
  public var messagesPerSecond: Double {
    let seconds = duration.seconds
    return seconds > 0 ? Double(countsReplies ? received : sent) / seconds : 0
  }

  /// The merged latencies' summary, in microseconds.
  public var latencySummary: LatencySummary {
    latency.map { LatencySummary(microseconds: $0) }
      ?? LatencySummary(p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0)
  }

  /// A readable summary of the merge.
  public var summary: String {
    let latency = latencySummary
    func us(_ value: Double) -> String { FixedPoint.format(value, 1) }
    let window =
      windowStart.map { start in
        "\(HistogramLog.iso8601(start)) to \(HistogramLog.iso8601(windowEnd ?? start)), "
      } ?? ""
    return [
      "merged       \(results) --json results, \(logs) --hlog logs",
      "window       \(window)\(FixedPoint.format(duration.seconds, 3)) s",
      "messages     sent \(sent), received \(received), in flight \(inFlight)",
      "throughput   \(FixedPoint.format(messagesPerSecond, 1)) msg/s",
      "latency us   p50 \(us(latency.p50))  p90 \(us(latency.p90))  p99 \(us(latency.p99))  "
        + "p99.9 \(us(latency.p999))  max \(us(latency.max))  mean \(us(latency.mean))",
      "errors       \(errors)",
    ].joined(separator: "\n")
  }

  /// The merge as one line of JSON, with the members of a run's (`histogram` last).
  public var json: String {
    let latency = latencySummary
    let seconds = duration.seconds
    return JSONText.object([
      ("results", "\(results)"),
      ("logs", "\(logs)"),
      ("connections", "\(connections)"),
      ("duration_s", FixedPoint.format(seconds, 3)),
      ("window_start", windowStart.map { FixedPoint.format($0, 3) } ?? "null"),
      ("window_end", windowEnd.map { FixedPoint.format($0, 3) } ?? "null"),
      ("sent", "\(sent)"),
      ("received", "\(received)"),
      ("in_flight", "\(inFlight)"),
      ("errors", "\(errors)"),
      ("msgs_per_s", FixedPoint.format(messagesPerSecond, 3)),
      ("bytes_per_s", FixedPoint.format(seconds > 0 ? Double(bytes) / seconds : 0, 3)),
      (
        "latency_us",
        JSONText.object([
          ("p50", FixedPoint.format(latency.p50, 3)), ("p90", FixedPoint.format(latency.p90, 3)),
          ("p99", FixedPoint.format(latency.p99, 3)), ("p999", FixedPoint.format(latency.p999, 3)),
          ("max", FixedPoint.format(latency.max, 3)), ("mean", FixedPoint.format(latency.mean, 3)),
        ])
      ),
      ("histogram", JSONText.string(HistogramEncoding.base64(self.latency ?? .latency()))),
    ])
  }

  /// Adds `histogram` to the merged one; both must share their lowest value and digits.
  private mutating func add(_ histogram: Histogram<UInt64>) throws(Refused) {
    guard let merged = latency else {
      latency = histogram
      return
    }
    guard merged.lowestDiscernibleValue == histogram.lowestDiscernibleValue,
      merged.numberOfSignificantValueDigits == histogram.numberOfSignificantValueDigits
    else {
      throw Refused(reason: "its histogram's layout differs from the others' (another unit or precision)")
    }
    // The wider of the two takes the other whole.
    var wider = merged.highestTrackableValue >= histogram.highestTrackableValue ? merged : histogram
    wider.add(merged.highestTrackableValue >= histogram.highestTrackableValue ? histogram : merged)
    latency = wider
  }

  private mutating func widen(_ start: Double, _ end: Double) {
    windowStart = min(windowStart ?? start, start)
    windowEnd = max(windowEnd ?? end, end)
  }
}
