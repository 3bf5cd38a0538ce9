import EddyProtocols

/// How messages are cut out of the byte stream: with `raw`, a reply is complete when as many
/// bytes as the payload came back.
enum MessageFraming: Sendable {
  /// No framing: messages are counted by size.
  case raw

  /// The codec stack names this build accepts.
  static let knownStacks = ["raw"]

  /// The framing for the stack named `codec`.
  init(codec: String, maxFrame: Int, payload: [UInt8]) throws(LoadConfigurationError) {
    guard codec == "raw" else {
      throw .unknownCodec(
        "unknown codec stack '\(codec)'; valid: \(Self.knownStacks.joined(separator: ", "))")
    }
    self = .raw
  }

  /// True when replies are counted by size rather than delivered one frame per callback.
  var countsBytes: Bool {
    switch self {
    case .raw: true
    }
  }

  /// The protocol to hand the socket transport so that `top` sees whole messages.
  func wrap(_ top: any StreamProtocol) -> any StreamProtocol {
    switch self {
    case .raw: top
    }
  }
}
