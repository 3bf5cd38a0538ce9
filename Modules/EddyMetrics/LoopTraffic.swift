import EddyTransports

/// One loop's traffic counts for a ``ConnectionMetrics``, and how far they were reported.
/// Bound to the loop's thread.
final class LoopTraffic {
  /// What the loop's transports count into.
  let counts = ConnectionTraffic()
  private var reported = Growth(bytesReceived: 0, bytesSent: 0, writesPaused: 0)

  /// Counts, or what counts grew by.
  struct Growth {
    var bytesReceived: Int
    var bytesSent: Int
    var writesPaused: Int
  }

  /// What the counts grew by since the last call.
  func takeGrowth() -> Growth {
    let now = Growth(
      bytesReceived: counts.bytesReceived, bytesSent: counts.bytesSent, writesPaused: counts.writesPaused)
    defer { reported = now }
    return Growth(
      bytesReceived: now.bytesReceived &- reported.bytesReceived,
      bytesSent: now.bytesSent &- reported.bytesSent,
      writesPaused: now.writesPaused &- reported.writesPaused)
  }
}
