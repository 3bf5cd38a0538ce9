import Histogram

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// HdrHistogram's interval log (format 1.3), as its Java `HistogramLogWriter` writes it and its
/// Java and Python log readers read it:
///
/// ```
/// #[Histogram log format version 1.3]
/// #[StartTime: 1764652800.000 (seconds since epoch), 2025-12-02T05:20:00.000Z]
/// #[BaseTime: 1764652800.000 (seconds since epoch)]
/// "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
/// 0.000,1.000,812.000,HISTFAAAA…
/// ```
///
/// One line per interval: its start in seconds after the base time, its length, its largest
/// value, and its histogram in the compressed V2 encoding (``HistogramEncoding``), optionally
/// preceded by `Tag=NAME,`. loadgen's values are microseconds, and so is the max column: it is
/// the histogram's max divided by 1, where Java's writer divides by 1,000,000 by default because
/// it expects nanoseconds (that divisor would show a microsecond max in seconds, 0.000 for
/// anything under a millisecond). Readers take the values from the histogram, not that column.
public enum HistogramLog {
  /// The legend line.
  static let legend = #""StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram""#

  /// The header lines of a log whose timestamps count from `startTime` (seconds since the UNIX
  /// epoch), which is its start and its base time.
  public static func header(startTime: Double) -> [String] {
    let seconds = FixedPoint.format(startTime, 3)
    return [
      "#[Histogram log format version 1.3]",
      "#[StartTime: \(seconds) (seconds since epoch), \(iso8601(startTime))]",
      "#[BaseTime: \(seconds) (seconds since epoch)]",
      legend,
    ]
  }

  /// The line of an interval starting `start` seconds after the base time, lasting `length`.
  public static func line(start: Double, length: Double, histogram: Histogram<UInt64>) -> String {
    let max = histogram.totalCount > 0 ? Double(histogram.max) : 0
    return [FixedPoint.format(start, 3), FixedPoint.format(length, 3), FixedPoint.format(max, 3)]
      .joined(separator: ",") + "," + HistogramEncoding.base64(histogram)
  }

  /// One interval read from a log.
  public struct Interval: Sendable {
    /// The tag, if the line had one.
    public var tag: String?
    /// When it began, in seconds since the UNIX epoch.
    public var start: Double
    /// How long it lasted, in seconds.
    public var length: Double
    /// Its histogram.
    public var histogram: Histogram<UInt64>
  }

  /// Why a log could not be read: the line (from 1) and what is wrong with it.
  public struct ReadError: Error, Sendable, CustomStringConvertible {
    /// The line's number, from 1.
    public var line: Int
    /// What is wrong.
    public var reason: String
    /// `line N: reason`.
    public var description: String { "line \(line): \(reason)" }
  }

  /// The intervals of a log's `text`, their starts made absolute with its base time (or, with
  /// none, taken as absolute when within a year of its start time, as HdrHistogram's readers do).
  public static func read(_ text: String) throws(ReadError) -> [Interval] {
    var startTime: Double?
    var baseTime: Double?
    var intervals: [Interval] = []
    for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.hasSuffix("\r") ? raw.dropLast() : raw[...]
      if line.isEmpty || line.hasPrefix("\"") { continue }
      if line.hasPrefix("#") {
        if let value = headerNumber(line, "#[StartTime: ") { startTime = value }
        if let value = headerNumber(line, "#[BaseTime: ") { baseTime = value }
        continue
      }
      var fields = line.split(separator: ",", omittingEmptySubsequences: false)
      var tag: String?
      if let first = fields.first, first.hasPrefix("Tag=") {
        tag = String(first.dropFirst(4))
        fields.removeFirst()
      }
      guard fields.count == 4, let start = Double(fields[0]), let length = Double(fields[1]) else {
        throw ReadError(line: number + 1, reason: "expected [Tag=NAME,]START,LENGTH,MAX,HISTOGRAM")
      }
      let histogram: Histogram<UInt64>
      do {
        histogram = try HistogramEncoding.decode(base64: fields[3])
      } catch {
        throw ReadError(line: number + 1, reason: error.description)
      }
      intervals.append(Interval(tag: tag, start: start, length: length, histogram: histogram))
    }
    let oneYear = 365 * 24 * 3600.0
    let base =
      baseTime
      ?? {
        guard let startTime, let first = intervals.first, first.start < startTime - oneYear else { return 0 }
        return startTime
      }()
    return intervals.map { interval in
      var absolute = interval
      absolute.start += base
      return absolute
    }
  }

  /// The number after `prefix` on a header line, up to the next space.
  private static func headerNumber(_ line: Substring, _ prefix: String) -> Double? {
    guard line.hasPrefix(prefix) else { return nil }
    return Double(line.dropFirst(prefix.count).prefix { $0 != " " && $0 != "]" })
  }

  /// `time` (seconds since the UNIX epoch) as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
  static func iso8601(_ time: Double) -> String {
    let totalMillis = Int64((time * 1000).rounded())
    var seconds = time_t(totalMillis / 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    let millis = Int(totalMillis % 1000)
    let fraction = String(repeating: "0", count: 3 - String(millis).count) + String(millis)
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
      + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
  }
}
