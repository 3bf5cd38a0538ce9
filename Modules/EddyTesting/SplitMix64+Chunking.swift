import EddyProtocols

/// The chunkings the decoder verifier draws from a seed.
extension SplitMix64 {
  /// A number in `1...upper`.
  mutating func next(upTo upper: Int) -> Int {
    Int(next() % UInt64(upper)) + 1
  }

  /// Non-empty chunk lengths adding up to `total`. Rounds cycle through chunks of up to the
  /// whole input, half of it, an eighth, and a few bytes, so both coarse and fine cuts are drawn.
  mutating func chunkLengths(total: Int, round: Int) -> [Int] {
    let longest: Int
    switch round % 4 {
    case 0: longest = total
    case 1: longest = total / 2
    case 2: longest = total / 8
    default: longest = 4
    }
    var lengths: [Int] = []
    var left = total
    while left > 0 {
      let length = Swift.min(left, next(upTo: Swift.max(1, longest)))
      lengths.append(length)
      left -= length
    }
    return lengths
  }
}
