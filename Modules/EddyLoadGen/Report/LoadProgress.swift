/// A progress report made while a run goes on, about once per progress interval.
public struct LoadProgress: Sendable {
  /// Time since the measured window began (negative during warmup).
  public var elapsed: Duration
  /// Messages per second since the previous report (replies in echo mode, sent in sink mode).
  public var messagesPerSecond: Double
  /// Payload bytes per second since the previous report.
  public var bytesPerSecond: Double
  /// The 99th percentile latency of the window so far, in microseconds.
  public var p99: Double
  /// Connections open now.
  public var connectionsUp: Int
  /// Errors so far, all kinds.
  public var errors: Int
}
