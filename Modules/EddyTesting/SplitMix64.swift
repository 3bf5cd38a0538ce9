/// The SplitMix64 generator: a fixed sequence from a seed, the same on every platform and
/// release, so a chunking that found a bug is drawn again.
struct SplitMix64 {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }

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
