import Histogram

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A latency histogram's values by percentile, sampled as HdrHistogram's plots draw them: evenly
/// on the scale of `1 / (1 - percentile)`, ten points per decade (0%, 90%, 99%, 99.9%, …), as
/// many decades as the count has digits beyond the first (one at least), so the last point
/// is the percentile one sample in `10^decades` reaches.
public struct PercentileCurve: Sendable {
  /// One point of the curve.
  public struct Point: Sendable, Equatable {
    /// `log10(1 / (1 - percentile / 100))`: 0 at 0%, 1 at 90%, 2 at 99%.
    public var decade: Double
    /// The percentile, in 0..<100.
    public var percentile: Double
    /// The latency at that percentile, in microseconds.
    public var value: Double
  }

  /// The decades the curve spans.
  public let decades: Int
  /// Its points, `10 × decades + 1` of them, or none for an empty histogram.
  public let points: [Point]

  /// Points per decade.
  static let pointsPerDecade = 10

  /// The curve of a histogram of microsecond latencies.
  public init(microseconds histogram: Histogram<UInt64>) {
    var digits = 0
    var total = histogram.totalCount
    while total >= 10 {
      total /= 10
      digits += 1
    }
    decades = Swift.min(Swift.max(digits, 1), 7)
    guard histogram.totalCount > 0 else {
      points = []
      return
    }
    let steps = (0...(decades * Self.pointsPerDecade)).map { Double($0) / Double(Self.pointsPerDecade) }
    let percentiles = steps.map { 100 * (1 - 1 / pow(10, $0)) }
    let values = histogram.values(atPercentiles: percentiles)
    points = steps.indices.map {
      Point(decade: steps[$0], percentile: percentiles[$0], value: Double(values[$0]))
    }
  }

  /// The label of the percentile at a whole `decade`: `0%`, `90%`, `99%`, `99.9%`, …
  static func label(decade: Int) -> String {
    switch decade {
    case ...0: "0%"
    case 1: "90%"
    default: "99" + (decade > 2 ? "." + String(repeating: "9", count: decade - 2) : "") + "%"
    }
  }
}
