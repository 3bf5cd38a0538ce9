/// HdrHistogram's variable-length integers: a signed 64-bit value ZigZag-mapped to unsigned
/// (`(v << 1) ^ (v >> 63)`), then written seven bits at a time, least significant first, with
/// the high bit of each byte saying another follows; the ninth byte, if reached, carries the
/// last eight bits whole, so no value takes more than nine bytes.
enum ZigZagLEB128 {
  /// Appends `value` to `bytes`.
  static func append(_ value: Int64, to bytes: inout [UInt8]) {
    var rest = UInt64(bitPattern: (value << 1) ^ (value >> 63))
    for _ in 0..<8 {
      if rest < 0x80 {
        bytes.append(UInt8(rest))
        return
      }
      bytes.append(UInt8(rest & 0x7F) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(truncatingIfNeeded: rest))
  }

  /// Reads one value starting at `offset`, moving `offset` past it; nil when the bytes end first.
  static func read(_ bytes: [UInt8], at offset: inout Int) -> Int64? {
    var result: UInt64 = 0
    for position in 0..<9 {
      guard offset < bytes.count else { return nil }
      let byte = bytes[offset]
      offset += 1
      if position == 8 {
        result |= UInt64(byte) << 56
        break
      }
      result |= UInt64(byte & 0x7F) << (7 * position)
      if byte & 0x80 == 0 { break }
    }
    return Int64(bitPattern: result >> 1) ^ -Int64(bitPattern: result & 1)
  }
}
