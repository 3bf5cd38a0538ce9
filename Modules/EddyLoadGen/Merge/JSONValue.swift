/// A parsed JSON value (RFC 8259), enough to read back what loadgen writes: objects keep
/// their members in order, numbers are doubles.
public enum JSONValue: Sendable, Equatable {
  /// An object's members, in order.
  case object([(String, JSONValue)])
  /// An array.
  case array([JSONValue])
  /// A string, escapes resolved.
  case string(String)
  /// A number.
  case number(Double)
  /// `true` or `false`.
  case bool(Bool)
  /// `null`.
  case null

  /// Why text is not JSON: the byte offset where parsing stopped.
  public struct ParseError: Error, Sendable, CustomStringConvertible {
    /// The offset, in UTF-8 bytes from the start.
    public var offset: Int
    /// `not JSON at byte N`.
    public var description: String { "not JSON at byte \(offset)" }
  }

  /// Parses `text`, which must hold one value and nothing else but whitespace.
  public init(parsing text: String) throws(ParseError) {
    var parser = Parser(bytes: Array(text.utf8))
    let value = try parser.value()
    parser.skipWhitespace()
    guard parser.offset == parser.bytes.count else { throw ParseError(offset: parser.offset) }
    self = value
  }

  /// The member `key` of an object; nil for a missing member or a value that is no object.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }

  /// The number, if this is one.
  public var number: Double? {
    if case .number(let value) = self { value } else { nil }
  }

  /// The string, if this is one.
  public var string: String? {
    if case .string(let value) = self { value } else { nil }
  }

  /// Equal values: objects with equal members in the same order.
  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.object(let a), .object(let b)):
      a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    case (.array(let a), .array(let b)): a == b
    case (.string(let a), .string(let b)): a == b
    case (.number(let a), .number(let b)): a == b
    case (.bool(let a), .bool(let b)): a == b
    case (.null, .null): true
    default: false
    }
  }

  private struct Parser {
    let bytes: [UInt8]
    var offset = 0

    mutating func skipWhitespace() {
      while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
    }

    private func fail() -> ParseError { ParseError(offset: offset) }

    mutating func value() throws(ParseError) -> JSONValue {
      skipWhitespace()
      guard offset < bytes.count else { throw fail() }
      switch bytes[offset] {
      case UInt8(ascii: "{"): return try object()
      case UInt8(ascii: "["): return try array()
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"): return try literal("true", .bool(true))
      case UInt8(ascii: "f"): return try literal("false", .bool(false))
      case UInt8(ascii: "n"): return try literal("null", .null)
      default: return try number()
      }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(ParseError) -> JSONValue {
      let expected = Array(word.utf8)
      guard bytes.count - offset >= expected.count,
        Array(bytes[offset..<(offset + expected.count)]) == expected
      else { throw fail() }
      offset += expected.count
      return value
    }

    private mutating func object() throws(ParseError) -> JSONValue {
      offset += 1
      var members: [(String, JSONValue)] = []
      skipWhitespace()
      if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
        offset += 1
        return .object(members)
      }
      while true {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw fail() }
        let key = try string()
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw fail() }
        offset += 1
        members.append((key, try value()))
        skipWhitespace()
        guard offset < bytes.count else { throw fail() }
        offset += 1
        if bytes[offset - 1] == UInt8(ascii: "}") { return .object(members) }
        guard bytes[offset - 1] == UInt8(ascii: ",") else { throw fail() }
      }
    }

    private mutating func array() throws(ParseError) -> JSONValue {
      offset += 1
      var elements: [JSONValue] = []
      skipWhitespace()
      if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
        offset += 1
        return .array(elements)
      }
      while true {
        elements.append(try value())
        skipWhitespace()
        guard offset < bytes.count else { throw fail() }
        offset += 1
        if bytes[offset - 1] == UInt8(ascii: "]") { return .array(elements) }
        guard bytes[offset - 1] == UInt8(ascii: ",") else { throw fail() }
      }
    }

    private mutating func string() throws(ParseError) -> String {
      offset += 1
      var scalars = String.UnicodeScalarView()
      var run: [UInt8] = []
      func flush() {
        scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
        run.removeAll()
      }
      while offset < bytes.count {
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""):
          flush()
          return String(scalars)
        case UInt8(ascii: "\\"):
          flush()
          guard offset < bytes.count else { throw fail() }
          let escape = bytes[offset]
          offset += 1
          switch escape {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): run.append(escape)
          case UInt8(ascii: "b"): run.append(0x08)
          case UInt8(ascii: "f"): run.append(0x0C)
          case UInt8(ascii: "n"): run.append(0x0A)
          case UInt8(ascii: "r"): run.append(0x0D)
          case UInt8(ascii: "t"): run.append(0x09)
          case UInt8(ascii: "u"):
            var code = try hex4()
            if (0xD800..<0xDC00).contains(code), bytes.count - offset >= 6,
              bytes[offset] == UInt8(ascii: "\\"),
              bytes[offset + 1] == UInt8(ascii: "u")
            {
              offset += 2
              let low = try hex4()
              guard (0xDC00..<0xE000).contains(low) else { throw fail() }
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw fail() }
            scalars.append(scalar)
          default: throw fail()
          }
        case 0..<0x20: throw fail()
        default: run.append(byte)
        }
      }
      throw fail()
    }

    private mutating func hex4() throws(ParseError) -> UInt32 {
      guard bytes.count - offset >= 4,
        bytes[offset..<(offset + 4)].allSatisfy({ "0123456789abcdefABCDEF".utf8.contains($0) }),
        let code = UInt32(String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self), radix: 16)
      else { throw fail() }
      offset += 4
      return code
    }

    private mutating func number() throws(ParseError) -> JSONValue {
      let start = offset
      while offset < bytes.count, "-+.eE0123456789".utf8.contains(bytes[offset]) { offset += 1 }
      guard offset > start, let value = Double(String(decoding: bytes[start..<offset], as: UTF8.self)),
        value.isFinite
      else { throw ParseError(offset: start) }
      return .number(value)
    }
  }
}
