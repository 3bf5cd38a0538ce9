/// How late an open loop wrote its messages compared with their schedule: the generator's
/// own delay, which the latencies include because they count from the scheduled times.
public struct ScheduleLag: Sendable, Equatable {
  /// The mean delay between a message's scheduled time and its write.
  public var mean: Duration
  /// The largest such delay.
  public var max: Duration
}
