/// A stack name that is not one of ``CodecStack/validNames``.
public struct InvalidCodecStack: Error, Sendable, Equatable, CustomStringConvertible {
  /// The name that was given.
  public let name: String

  /// Names the valid stacks.
  public var description: String {
    "unknown codec stack '\(name)'; valid stacks are: \(CodecStack.validNames.joined(separator: " "))"
  }
}

extension CodecStack {
  /// Parses a stack name such as `zlib,length-prefix` (spaces around the commas are allowed).
  ///
  /// - Parameters:
  ///   - name: One of ``validNames``.
  ///   - maxFrameLength: The longest payload a `length-prefix` layer accepts.
  ///   - maxLineLength: The longest line a `line` layer accepts, delimiter not counted.
  ///   - zlib: The options of a `zlib` layer.
  /// - Throws: ``InvalidCodecStack`` naming the valid stacks.
  public init(
    parsing name: String,
    maxFrameLength: Int = LengthFieldCodec.defaultMaxFrameLength,
    maxLineLength: Int = LineCodec.defaultMaxLength,
    zlib: ZlibOptions = ZlibOptions()
  ) throws(InvalidCodecStack) {
    let parts = name.split(separator: ",", omittingEmptySubsequences: false).map(Self.trimmingWhitespace)
    let normalized = parts.joined(separator: ",")
    guard Self.validNames.contains(normalized) else { throw InvalidCodecStack(name: name) }
    let layers: [Layer] = parts.compactMap { part in
      switch part {
      case "line": .line(LineCodec(maxLength: maxLineLength))
      case "length-prefix": .lengthPrefix(LengthFieldCodec(maxFrameLength: maxFrameLength))
      case "zlib": .zlib(zlib)
      default: nil
      }
    }
    self.init(layers: layers)
  }

  private static func trimmingWhitespace(_ part: Substring) -> String {
    var trimmed = part.drop(while: \.isWhitespace)
    while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
    return String(trimmed)
  }
}
