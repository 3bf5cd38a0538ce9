/// One message of a request-mode run, as `--message` gives it: literal bytes (after escapes)
/// and templates expanded per message: `{conn}` (the connection's number from 0), `{seq}`
/// (the message's number on its connection from 0), `{rand:LO-HI}` (a uniform integer,
/// inclusive); `{{` is a literal `{`.
public struct LoadMessage: Sendable, Equatable {
  /// A piece of a message.
  public enum Part: Sendable, Equatable {
    /// Bytes sent as they are.
    case bytes([UInt8])
    /// `{conn}`.
    case connection
    /// `{seq}`.
    case sequence
    /// `{rand:LO-HI}`.
    case random(ClosedRange<UInt64>)
  }

  /// The pieces, in order; adjacent literal bytes are joined.
  public let parts: [Part]

  /// A message of fixed bytes.
  public init(bytes: [UInt8]) {
    parts = [.bytes(bytes)]
  }

  /// Parses the text of `--message` (or one line of `--message-file`), naming `option` in errors.
  public init(parsing text: String, option: String = "message") throws(LoadConfigurationError) {
    var scanner = LoadText.Scanner(text, option: option)
    var parts: [Part] = []
    var literal: [UInt8] = []
    func flush() {
      if !literal.isEmpty { parts.append(.bytes(literal)) }
      literal = []
    }
    while let next = scanner.peek {
      guard next == UInt8(ascii: "{") else {
        if let byte = try scanner.nextByte() { literal.append(byte) }
        continue
      }
      scanner.skip()
      if scanner.peek == UInt8(ascii: "{") {
        scanner.skip()
        literal.append(UInt8(ascii: "{"))
        continue
      }
      guard let name = scanner.take(until: UInt8(ascii: "}")) else {
        throw scanner.refused("a template '{' is never closed (write '{{' for a literal brace)")
      }
      flush()
      parts.append(try Self.template(String(decoding: name, as: UTF8.self), scanner: scanner))
    }
    flush()
    guard !parts.isEmpty else { throw scanner.refused("a message must not be empty") }
    self.parts = parts
  }

  private static func template(_ name: String, scanner: LoadText.Scanner) throws(LoadConfigurationError)
    -> Part
  {
    switch name {
    case "conn": return .connection
    case "seq": return .sequence
    default:
      guard name.hasPrefix("rand:") else {
        throw scanner.refused("unknown template {\(name)} (known: {conn}, {seq}, {rand:LO-HI}, {{)")
      }
      let bounds = name.dropFirst("rand:".count).split(separator: "-", omittingEmptySubsequences: false)
      guard bounds.count == 2, let low = UInt64(bounds[0]), let high = UInt64(bounds[1]), low <= high else {
        throw scanner.refused("{\(name)}: expected {rand:LO-HI} with 0 <= LO <= HI")
      }
      return .random(low...high)
    }
  }

  /// The bytes of the message when it has no template; nil otherwise.
  public var literal: [UInt8]? {
    guard parts.count == 1, case .bytes(let bytes) = parts[0] else { return nil }
    return bytes
  }
}
