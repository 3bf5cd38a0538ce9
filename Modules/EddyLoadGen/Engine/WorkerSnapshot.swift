import Histogram

/// A copy of one worker's counts and latency histograms, taken on its thread.
struct WorkerSnapshot: Sendable {
  var counters: WorkerCounters
  /// Every reply's latency so far.
  var latency: Histogram<UInt64>
  /// The latency of the replies since the interval last taken (``LoadWorker/takeInterval()``).
  var interval: Histogram<UInt64>

  /// Merges every worker's snapshot into one.
  static func merged(_ snapshots: [WorkerSnapshot]) -> WorkerSnapshot {
    var total = WorkerSnapshot(counters: WorkerCounters(), latency: .latency(), interval: .latency())
    for snapshot in snapshots {
      total.counters.merge(snapshot.counters)
      total.latency.add(snapshot.latency)
      total.interval.add(snapshot.interval)
    }
    return total
  }
}
