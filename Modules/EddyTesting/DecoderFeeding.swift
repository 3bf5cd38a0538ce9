/// How an input is cut into the chunks a ``DecoderVerifier`` feeds a decoder.
public enum DecoderFeeding: Sendable, Equatable, CustomStringConvertible {
  /// The whole input in one chunk.
  case whole
  /// One byte at a time.
  case byteByByte
  /// Two chunks: the first `at` bytes, then the rest.
  case split(at: Int)
  /// Pseudo-random chunks of these lengths, the `round`th drawn from the verifier's seed. In
  /// odd rounds the bytes left over after each chunk are moved to fresh storage.
  case random(round: Int, chunkLengths: [Int])

  /// The lengths of the chunks for an input of `total` bytes; none for an empty input.
  public func chunkLengths(total: Int) -> [Int] {
    guard total > 0 else { return [] }
    switch self {
    case .whole: return [total]
    case .byteByByte: return Array(repeating: 1, count: total)
    case .split(let first): return [first, total - first].filter { $0 > 0 }
    case .random(_, let lengths): return lengths
    }
  }

  /// True when the bytes left over after each chunk move to fresh storage before the next.
  public var movesLeftovers: Bool {
    if case .random(let round, _) = self { return round % 2 == 1 }
    return false
  }

  /// The feeding in words.
  public var description: String {
    switch self {
    case .whole: "whole"
    case .byteByByte: "byte by byte"
    case .split(let first): "in two chunks split at \(first)"
    case .random(let round, let lengths):
      "in random chunks (round \(round)\(movesLeftovers ? ", leftovers moved" : "")) \(lengths)"
    }
  }
}
