import Histogram

/// What one reporting interval measured, and nothing before it: the counts and the latency
/// histogram of the replies that came in it.
public struct LoadInterval: Sendable {
  /// When the interval began, from the start of the measured window (negative in the warmup).
  public var start: Duration
  /// How long it lasted.
  public var length: Duration
  /// When the measured window began, in seconds since the UNIX epoch.
  public var windowStart: Double
  /// Messages written in the interval.
  public var sent: Int
  /// Replies received in it.
  public var received: Int
  /// Errors counted in it, all kinds.
  public var errors: Int
  /// Messages per second over the interval: replies when they are expected, else messages sent.
  public var messagesPerSecond: Double
  /// Latency of the interval's replies, in microseconds.
  public var latency: Histogram<UInt64>

  /// The interval lies in the warmup, before the window: nothing in it is counted.
  public var isWarmup: Bool { start + length <= .zero }

  /// The interval as one JSON object: `t_s` (its start, seconds since the window began),
  /// `length_s`, `sent`, `received`, `errors`, `msgs_per_s` and `latency_us` {`p50`, `p99`, `max`}.
  public var json: String {
    let summary = LatencySummary(microseconds: latency)
    return JSONText.object([
      ("t_s", FixedPoint.format(start.seconds, 3)),
      ("length_s", FixedPoint.format(length.seconds, 3)),
      ("sent", "\(sent)"),
      ("received", "\(received)"),
      ("errors", "\(errors)"),
      ("msgs_per_s", FixedPoint.format(messagesPerSecond, 3)),
      (
        "latency_us",
        JSONText.object([
          ("p50", FixedPoint.format(summary.p50, 3)), ("p99", FixedPoint.format(summary.p99, 3)),
          ("max", FixedPoint.format(summary.max, 3)),
        ])
      ),
    ])
  }
}
