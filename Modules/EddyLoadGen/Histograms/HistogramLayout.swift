import Histogram

/// Where each value of an HdrHistogram lives in its counts array, from the three numbers an
/// encoding carries (lowest discernible value, highest trackable value, significant digits):
/// the arithmetic every HdrHistogram implementation shares, so that an index means the same
/// bucket to the writer and to any reader.
struct HistogramLayout: Sendable, Equatable {
  let lowestDiscernibleValue: UInt64
  let highestTrackableValue: UInt64
  let significantDigits: Int
  /// log2 of the lowest discernible value, rounded down.
  let unitMagnitude: Int
  /// log2 of half the sub-bucket count.
  let subBucketHalfCountMagnitude: Int
  /// How many counts the array holds.
  let countsLength: Int

  /// The most counts a layout read from a file may ask for (32 MiB of 8-byte counts).
  static let maximumCountsLength = 1 << 22

  /// The layout of `histogram`.
  init(of histogram: Histogram<UInt64>) {
    // A histogram that exists has parameters every layout accepts.
    self.init(
      lowest: histogram.lowestDiscernibleValue, highest: histogram.highestTrackableValue,
      digits: Int(histogram.numberOfSignificantValueDigits.rawValue))!
  }

  /// The layout of these parameters; nil when no histogram can have them (or it would exceed
  /// ``maximumCountsLength``).
  init?(lowest: UInt64, highest: UInt64, digits: Int) {
    guard (0...5).contains(digits), lowest >= 1, lowest <= UInt64.max / 2, highest >= 2 * lowest else {
      return nil
    }
    var largestSingleUnit: UInt64 = 2
    for _ in 0..<digits { largestSingleUnit *= 10 }
    // Sub-bucket count: the power of two at or above 2·10^digits.
    let subBucketCountMagnitude = 64 - (largestSingleUnit - 1).leadingZeroBitCount
    let unitMagnitude = 63 - lowest.leadingZeroBitCount
    let halfMagnitude = Swift.max(subBucketCountMagnitude, 1) - 1
    guard unitMagnitude + halfMagnitude <= 61 else { return nil }
    // Buckets: double the covered range from the first bucket's until it reaches `highest`.
    var smallestUntrackable = UInt64(1 << subBucketCountMagnitude) << unitMagnitude
    var buckets = 1
    while smallestUntrackable <= highest {
      if smallestUntrackable > UInt64.max / 2 {
        buckets += 1
        break
      }
      smallestUntrackable <<= 1
      buckets += 1
    }
    let length = (buckets + 1) << halfMagnitude
    guard length <= Self.maximumCountsLength else { return nil }
    lowestDiscernibleValue = lowest
    highestTrackableValue = highest
    significantDigits = digits
    self.unitMagnitude = unitMagnitude
    subBucketHalfCountMagnitude = halfMagnitude
    countsLength = length
  }

  /// The index of the bucket holding `value`.
  func index(of value: UInt64) -> Int {
    let subBucketMask = (UInt64(2) << subBucketHalfCountMagnitude - 1) << unitMagnitude
    let bucket =
      64 - unitMagnitude - (subBucketHalfCountMagnitude + 1) - (value | subBucketMask).leadingZeroBitCount
    let subBucket = Int(value >> (bucket + unitMagnitude))
    return ((bucket + 1) << subBucketHalfCountMagnitude) + subBucket - (1 << subBucketHalfCountMagnitude)
  }

  /// The lowest value of the bucket at `index`.
  func value(at index: Int) -> UInt64 {
    let half = 1 << subBucketHalfCountMagnitude
    var bucket = (index >> subBucketHalfCountMagnitude) - 1
    var subBucket = (index & (half - 1)) + half
    if bucket < 0 {
      subBucket -= half
      bucket = 0
    }
    return UInt64(subBucket) << (bucket + unitMagnitude)
  }
}
