/// Reads a fuzzer's input as a stream of small decisions. Past the end every read yields zero,
/// so any input, however short, is a complete program.
public struct FuzzInput {
  private let bytes: [UInt8]
  private var position = 0

  /// Reads `bytes` from the start.
  public init(_ bytes: [UInt8]) {
    self.bytes = bytes
  }

  /// True once every byte was read.
  public var isAtEnd: Bool { position >= bytes.count }

  /// The next byte, or zero past the end.
  public mutating func byte() -> UInt8 {
    guard position < bytes.count else { return 0 }
    defer { position += 1 }
    return bytes[position]
  }

  /// A value in `range`, from the next two bytes.
  public mutating func int(in range: ClosedRange<Int>) -> Int {
    let raw = Int(byte()) << 8 | Int(byte())
    return range.lowerBound + raw % (range.upperBound - range.lowerBound + 1)
  }

  /// The next byte's lowest bit.
  public mutating func bool() -> Bool { byte() & 1 == 1 }

  /// Up to `count` next bytes (fewer at the end).
  public mutating func bytes(count: Int) -> [UInt8] {
    let end = min(bytes.count, position + max(0, count))
    defer { position = max(position, end) }
    return position < end ? Array(bytes[position..<end]) : []
  }

  /// Every byte not read yet.
  public mutating func rest() -> [UInt8] { bytes(count: bytes.count - position) }

  /// Cuts `data` into consecutive chunks whose sizes come from one byte of input: a cap chosen
  /// from one byte to everything, and pseudo-random sizes up to it.
  public mutating func chunks(of data: [UInt8]) -> [[UInt8]] {
    let seed = byte()
    let caps = [1, 2, 7, 64, 1000, Int.max]
    let cap = caps[Int(seed) % caps.count]
    var state = UInt32(seed) &* 2_654_435_761 | 1
    var result: [[UInt8]] = []
    var start = 0
    while start < data.count {
      state = state &* 1_103_515_245 &+ 12_345
      let size = cap == Int.max ? data.count : 1 + Int(state >> 16) % cap
      let end = min(data.count, start + size)
      result.append(Array(data[start..<end]))
      start = end
    }
    return result
  }
}
