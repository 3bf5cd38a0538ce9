import EddyCodecs

extension DecoderVerifier {
  /// One way a decoder went wrong: which example, fed how, and what happened.
  public struct Failure: CustomStringConvertible {
    /// What went wrong.
    public enum Kind: CustomStringConvertible {
      /// The messages handed up are not the example's (for a decoder whose messages are not
      /// message boundaries, each list holds the output joined into one).
      case unexpectedMessages(expected: [Message], actual: [Message])
      /// The input did not end the way the example says.
      case unexpectedEnding(expected: ExpectedEnding, actual: Ending)
      /// A call made again at once, on the unchanged buffer, after `decode` (or, `atEnd`,
      /// `decodeLast`) returned nil, returned this message: a message conjured from no new input.
      case messageOnRepeatedCall(Message, atEnd: Bool)
      /// A call made again at once, on the unchanged buffer, after `decode` (or, `atEnd`,
      /// `decodeLast`) returned nil, returned nil again but consumed this many bytes.
      case consumedOnRepeatedCall(bytes: Int, atEnd: Bool)
      /// The feeding made this many decoder calls without the decoder running out of messages.
      case callLimitExceeded(calls: Int)

      /// The failure in words.
      public var description: String {
        switch self {
        case .unexpectedMessages(let expected, let actual):
          "decoded \(actual.count) messages \(actual), expected \(expected.count) \(expected)"
        case .unexpectedEnding(let expected, let actual):
          "ended with \(actual), expected \(expected)"
        case .messageOnRepeatedCall(let message, let atEnd):
          "\(Self.call(atEnd)) returned nil, then \(message) when called again with no new bytes"
        case .consumedOnRepeatedCall(let bytes, let atEnd):
          "\(Self.call(atEnd)) returned nil, then consumed \(bytes) bytes when called again with no new bytes"
        case .callLimitExceeded(let calls):
          "the decoder still returned messages after \(calls) calls"
        }
      }

      private static func call(_ atEnd: Bool) -> String { atEnd ? "decodeLast" : "decode" }
    }

    /// The index of the example in the list given.
    public let example: Int
    /// How the example's input was fed.
    public let feeding: DecoderFeeding
    /// What went wrong.
    public let kind: Kind

    /// Where and how the decoder went wrong.
    public var description: String { "example \(example), fed \(feeding): \(kind)" }
  }
}
