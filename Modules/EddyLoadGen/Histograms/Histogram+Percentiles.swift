import Histogram

extension Histogram where Count == UInt64 {
  /// The values at `percentiles` (each in 0...100), found in one pass over the recorded
  /// values, as HdrHistogram's C and Python implementations find them: the count at a
  /// percentile is `percentile × total / 100` rounded half up (at least 1), and the value is the
  /// highest equivalent value of the bucket where the cumulative count reaches it. (Java rounds
  /// that count up instead, so at some totals its answer is one bucket higher.) Zero for each
  /// when the histogram is empty.
  ///
  /// A value depends on the bucket counts alone, so a histogram decoded from its encoding, or
  /// merged from others, gives exactly the percentiles the originals' union gives.
  public func values(atPercentiles percentiles: [Double]) -> [UInt64] {
    let total = totalCount
    guard total > 0 else { return percentiles.map { _ in 0 } }
    let targets = percentiles.map { percentile in
      Swift.max(1, UInt64((Swift.min(Swift.max(percentile, 0), 100) * Double(total)) / 100 + 0.5))
    }
    let order = targets.indices.sorted { targets[$0] < targets[$1] }
    var values = [UInt64](repeating: 0, count: percentiles.count)
    var next = 0
    for value in recordedValues() where next < order.count {
      while next < order.count, value.totalCountToThisValue >= targets[order[next]] {
        values[order[next]] = value.value
        next += 1
      }
    }
    return values
  }
}
