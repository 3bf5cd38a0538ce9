import Histogram

/// One worker's counts so far and the latency histogram of its replies since the previous take
/// (of a progress interval or a ramp step), taken, and that histogram reset, on its thread.
struct WorkerInterval: Sendable {
  var counters: WorkerCounters
  var latency: Histogram<UInt64>

  /// Adds the counts and the histograms of every worker's interval.
  static func merged(_ intervals: [WorkerInterval]) -> WorkerInterval {
    var total = WorkerInterval(counters: WorkerCounters(), latency: .latency())
    for interval in intervals {
      total.counters.merge(interval.counters)
      total.latency.add(interval.latency)
    }
    return total
  }
}
