/// A progress report, made once per progress interval while a run goes on and once more when
/// it has ended, for the rest of the window after the last interval.
public struct LoadProgress: Sendable {
  /// Time since the measured window began (negative during warmup).
  public var elapsed: Duration
  /// Messages per second since the previous report (replies in echo mode, sent in sink mode).
  public var messagesPerSecond: Double
  /// Payload bytes per second since the previous report.
  public var bytesPerSecond: Double
  /// The 99th percentile latency of the interval since the previous report, in microseconds.
  public var p99: Double
  /// Connections open now.
  public var connectionsUp: Int
  /// Errors so far, all kinds.
  public var errors: Int
  /// What the interval since the previous report measured.
  public var interval: LoadInterval
  /// The run has ended: this report covers the window's last part.
  public var isLast: Bool
}
