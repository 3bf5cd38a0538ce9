/// The `KEY=VALUE` parts of one layer of a stack name, checked against the keys the layer has,
/// and read one key at a time into typed values.
package struct LayerParameters {
  /// The layer's name.
  let layer: String
  /// The stack as given, for errors.
  private let stack: String
  private var values: [String: String] = [:]

  /// Reads `parts` (what follows the layer's name, split at `:`), refusing keys not in `keys`,
  /// parts without `=` and keys given twice.
  init(layer: String, parts: [String], keys: [String], stack: String) throws(InvalidCodecStack) {
    self.layer = layer
    self.stack = stack
    for part in parts {
      guard let equals = part.firstIndex(of: "=") else {
        throw InvalidCodecStack(name: stack, reason: .missingValue(layer: layer, part: part))
      }
      let key = Self.trimmed(part[..<equals])
      let value = Self.trimmed(part[part.index(after: equals)...])
      guard keys.contains(key) else {
        throw InvalidCodecStack(name: stack, reason: .unknownKey(layer: layer, key: key, keys: keys))
      }
      guard values[key] == nil else {
        throw InvalidCodecStack(name: stack, reason: .repeatedKey(layer: layer, key: key))
      }
      values[key] = value
    }
  }

  /// The value of `key` read by `parse`, or nil when the key was not given.
  ///
  /// - Throws: ``InvalidCodecStack/Reason/invalidValue(layer:key:value:expected:)`` with
  ///   `expected` when `parse` returns nil.
  func value<Value>(
    _ key: String, expected: String, _ parse: (String) -> Value?
  ) throws(InvalidCodecStack) -> Value? {
    guard let text = values[key] else { return nil }
    guard let value = parse(text) else {
      throw InvalidCodecStack(
        name: stack, reason: .invalidValue(layer: layer, key: key, value: text, expected: expected))
    }
    return value
  }

  /// The value of `key` as a decimal integer in `range`, or nil when the key was not given.
  func integer(_ key: String, in range: ClosedRange<Int>, expected: String) throws(InvalidCodecStack) -> Int?
  {
    try value(key, expected: expected) { text in
      Self.decimal(text).flatMap { range.contains($0) ? $0 : nil }
    }
  }

  /// A decimal integer with an optional sign, and nothing else.
  static func decimal(_ text: String) -> Int? {
    let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int(text)
  }

  /// The bytes of `0xHH…` (one or more pairs of hexadecimal digits), or nil.
  static func hexBytes(_ text: String) -> [UInt8]? {
    guard text.hasPrefix("0x") else { return nil }
    let digits = Array(text.utf8.dropFirst(2))
    guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    for index in stride(from: 0, to: digits.count, by: 2) {
      guard let high = hexDigit(digits[index]), let low = hexDigit(digits[index + 1]) else { return nil }
      bytes.append(high << 4 | low)
    }
    return bytes
  }

  /// The value of one hexadecimal digit (either case), or nil.
  package static func hexDigit(_ character: UInt8) -> UInt8? {
    switch character {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  /// `text` without whitespace at either end.
  static func trimmed(_ text: Substring) -> String {
    var trimmed = text.drop(while: \.isWhitespace)
    while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
    return String(trimmed)
  }
}
