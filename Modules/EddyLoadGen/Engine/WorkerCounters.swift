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
  /// When the last counted reply came (echo, request) or the last counted message went (sink;
  /// with a request count, when the server closed after reading it all), in
  /// nanoseconds of the monotonic clock; 0 when none.
  var lastCountedAt: UInt64 = 0
  /// When the first counted message went, in monotonic nanoseconds; 0 when none.
  var firstCountedAt: UInt64 = 0
  /// A worker found that the server stopped answering.
  var serverStoppedAnswering = false
  /// When sending stopped (window end, requests sent, stop asked for), in monotonic
  /// nanoseconds; 0 while sending goes on.
  var stoppedAt: UInt64 = 0
  /// Open loop: the summed and the largest delay of counted writes behind their schedule, in
  /// nanoseconds, and how many writes were measured.
  var scheduleLagTotal: UInt64 = 0
  var scheduleLagMax: UInt64 = 0
  var scheduleLagCount = 0

  /// The open loop's delay behind its schedule, if it measured any.
  var scheduleLag: ScheduleLag? {
    guard scheduleLagCount > 0 else { return nil }
    return ScheduleLag(
      mean: .nanoseconds(Int64(scheduleLagTotal / UInt64(scheduleLagCount))),
      max: .nanoseconds(Int64(scheduleLagMax)))
  }

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
    if other.firstCountedAt > 0 {
      firstCountedAt = firstCountedAt == 0 ? other.firstCountedAt : min(firstCountedAt, other.firstCountedAt)
    }
    serverStoppedAnswering = serverStoppedAnswering || other.serverStoppedAnswering
    stoppedAt = max(stoppedAt, other.stoppedAt)
    scheduleLagTotal += other.scheduleLagTotal
    scheduleLagMax = max(scheduleLagMax, other.scheduleLagMax)
    scheduleLagCount += other.scheduleLagCount
  }
}
