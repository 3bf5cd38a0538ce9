import EddyProtocols

/// One connection's supply of request-mode messages: picks the next message of the mix (in
/// turn, or at random by weight) and expands its templates. A message without templates is
/// handed out as the same buffer every time; one with templates is written into a buffer
/// that is reused.
struct MessageSource {
  private let messages: [LoadMessage]
  /// The fixed bytes of each message that has no template.
  private let literals: [ByteBuffer?]
  /// Running sums of the weights; empty for round-robin.
  private let cumulativeWeights: [UInt64]
  private let connection: Int
  private var turn = 0
  private var sequence = 0
  private var random: SplitMix64
  private var scratch = ByteBuffer(capacity: 256)

  /// The source of connection number `connection`, seeded from `seed`.
  init(mix: MessageMix, connection: Int, seed: UInt64) {
    messages = mix.messages
    literals = mix.messages.map { $0.literal.map { ByteBuffer(bytes: $0) } }
    var sum: UInt64 = 0
    cumulativeWeights = (mix.weights ?? []).map { weight in
      sum += UInt64(weight)
      return sum
    }
    self.connection = connection
    random = SplitMix64(seed: seed ^ (UInt64(connection) &* 0x2545_F491_4F6C_DD1D))
  }

  /// The next message to send.
  mutating func next() -> ByteBuffer {
    let index = pick()
    defer { sequence &+= 1 }
    if let literal = literals[index] { return literal }
    scratch.clear()
    for part in messages[index].parts {
      switch part {
      case .bytes(let bytes): scratch.writeBytes(bytes)
      case .connection: writeDecimal(UInt64(connection))
      case .sequence: writeDecimal(UInt64(sequence))
      case .random(let range): writeDecimal(randomValue(in: range))
      }
    }
    return scratch
  }

  private mutating func pick() -> Int {
    if cumulativeWeights.isEmpty {
      defer { turn = turn + 1 == messages.count ? 0 : turn + 1 }
      return turn
    }
    let draw = UInt64.random(in: 0..<cumulativeWeights[cumulativeWeights.count - 1], using: &random)
    return cumulativeWeights.firstIndex { draw < $0 }!
  }

  private mutating func randomValue(in range: ClosedRange<UInt64>) -> UInt64 {
    range.lowerBound == 0 && range.upperBound == .max
      ? random.next() : UInt64.random(in: range, using: &random)
  }

  /// Writes `value` in decimal ASCII without building a string.
  private mutating func writeDecimal(_ value: UInt64) {
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      var rest = value
      repeat {
        buffer[23 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
        count += 1
      } while rest > 0
      scratch.writeBytes(UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
    }
  }
}
