import Histogram

/// A copy of one worker's counts and latency histogram, taken on its thread.
struct WorkerSnapshot: Sendable {
  var counters: WorkerCounters
  var latency: Histogram<UInt64>

  /// Merges every worker's snapshot into one.
  static func merged(_ snapshots: [WorkerSnapshot]) -> WorkerSnapshot {
    var total = WorkerSnapshot(counters: WorkerCounters(), latency: .latency())
    for snapshot in snapshots {
      total.counters.merge(snapshot.counters)
      total.latency.add(snapshot.latency)
    }
    return total
  }
}
