import EddyCodecs

/// The text of a command-line value that stands for bytes: `\r \n \t \\ \xHH` are escapes,
/// every other character is its UTF-8 encoding.
public enum LoadText {
  /// The bytes `text` stands for; an unknown or incomplete escape is refused, naming `option`.
  public static func bytes(_ text: String, option: String) throws(LoadConfigurationError) -> [UInt8] {
    var scanner = Scanner(text, option: option)
    var bytes: [UInt8] = []
    while let byte = try scanner.nextByte() { bytes.append(byte) }
    return bytes
  }

  /// Reads the UTF-8 bytes of a value one at a time, turning escapes into the bytes they name.
  struct Scanner {
    private let utf8: [UInt8]
    private var position = 0
    let option: String

    init(_ text: String, option: String) {
      utf8 = Array(text.utf8)
      self.option = option
    }

    /// The next byte without consuming it (escapes not applied), or nil at the end.
    var peek: UInt8? { position < utf8.count ? utf8[position] : nil }

    /// The byte after the next one, unconsumed.
    var peekSecond: UInt8? { position + 1 < utf8.count ? utf8[position + 1] : nil }

    /// Consumes one byte as it is.
    mutating func skip() { position += 1 }

    /// Consumes bytes up to (not including) the first `terminator`, returning them; nil when
    /// the terminator never comes.
    mutating func take(until terminator: UInt8) -> [UInt8]? {
      guard let end = utf8[position...].firstIndex(of: terminator) else { return nil }
      let taken = Array(utf8[position..<end])
      position = end + 1
      return taken
    }

    /// The next byte with escapes applied, or nil at the end.
    mutating func nextByte() throws(LoadConfigurationError) -> UInt8? {
      guard let byte = peek else { return nil }
      position += 1
      guard byte == UInt8(ascii: "\\") else { return byte }
      guard let escape = peek else { throw refused("a value cannot end with a lone backslash") }
      position += 1
      switch escape {
      case UInt8(ascii: "r"): return UInt8(ascii: "\r")
      case UInt8(ascii: "n"): return UInt8(ascii: "\n")
      case UInt8(ascii: "t"): return UInt8(ascii: "\t")
      case UInt8(ascii: "\\"): return UInt8(ascii: "\\")
      case UInt8(ascii: "x"):
        guard position + 2 <= utf8.count, let high = LayerParameters.hexDigit(utf8[position]),
          let low = LayerParameters.hexDigit(utf8[position + 1])
        else { throw refused("\\x must be followed by two hexadecimal digits") }
        position += 2
        return high << 4 | low
      default:
        throw refused("unknown escape \\\(Character(Unicode.Scalar(escape))) (known: \\r \\n \\t \\\\ \\xHH)")
      }
    }

    /// An error naming the option.
    func refused(_ reason: String) -> LoadConfigurationError {
      .invalidSetting("--\(option): \(reason)")
    }
  }
}
