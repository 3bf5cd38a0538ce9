/// Base64 with the standard alphabet and padding (RFC 4648, section 4), as HdrHistogram's logs
/// and loadgen's JSON carry encoded histograms.
enum Base64 {
  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  /// `bytes` as base64 text.
  static func encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index < bytes.count {
      let chunk = bytes[index..<min(index + 3, bytes.count)]
      var word = 0
      for (position, byte) in chunk.enumerated() { word |= Int(byte) << (16 - 8 * position) }
      for position in 0..<4 {
        out.append(
          position <= chunk.count ? alphabet[(word >> (18 - 6 * position)) & 0x3F] : UInt8(ascii: "="))
      }
      index += 3
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The bytes of base64 `text`; nil when it is not padded base64.
  static func decode(_ text: some StringProtocol) -> [UInt8]? {
    let characters = Array(text.utf8)
    guard characters.count % 4 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(characters.count / 4 * 3)
    var index = 0
    while index < characters.count {
      var word = 0
      var padding = 0
      for position in 0..<4 {
        let character = characters[index + position]
        if character == UInt8(ascii: "=") {
          // Padding ends the text, and only the last two characters may be padding.
          guard index + 4 == characters.count, position >= 2 else { return nil }
          padding += 1
          continue
        }
        guard padding == 0, let digit = Self.digit(character) else { return nil }
        word |= digit << (18 - 6 * position)
      }
      for position in 0..<(3 - padding) { out.append(UInt8((word >> (16 - 8 * position)) & 0xFF)) }
      index += 4
    }
    return out
  }

  private static func digit(_ character: UInt8) -> Int? {
    switch character {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(character - UInt8(ascii: "A"))
    case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(character - UInt8(ascii: "a")) + 26
    case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(character - UInt8(ascii: "0")) + 52
    case UInt8(ascii: "+"): 62
    case UInt8(ascii: "/"): 63
    default: nil
    }
  }
}
