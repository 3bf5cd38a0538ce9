/// The counts one worker keeps for itself on its own thread, merged by the coordinator.
struct WorkerCounters: Sendable {
  var sent = 0
  var received = 0
  var bytesSent = 0
  var bytesReceived = 0
  var inFlight = 0
  var connectionsEstablished = 0
  var connectionsUp = 0
  var connectionsLost = 0
  var errors = ErrorCounts()
  /// When the last counted reply came (echo) or the last counted message went (sink), in
  /// nanoseconds of the monotonic clock; 0 when none.
  var lastCountedAt: UInt64 = 0
  /// When sending stopped (window end, requests sent, stop asked for), in monotonic
  /// nanoseconds; 0 while sending goes on.
  var stoppedAt: UInt64 = 0

  mutating func merge(_ other: WorkerCounters) {
    sent += other.sent
    received += other.received
    bytesSent += other.bytesSent
    bytesReceived += other.bytesReceived
    inFlight += other.inFlight
    connectionsEstablished += other.connectionsEstablished
    connectionsUp += other.connectionsUp
    connectionsLost += other.connectionsLost
    errors.merge(other.errors)
    lastCountedAt = max(lastCountedAt, other.lastCountedAt)
    stoppedAt = max(stoppedAt, other.stoppedAt)
  }
}
