import EddyCodecs
import EddyProtocols

/// How messages travel: through a codec stack, and either one frame per message (a framing
/// stack) or counted by size in the byte stream (`raw` and `zlib`, where a reply is complete
/// when as many bytes as the payload came back).
struct MessageFraming: Sendable {
  /// The layers between the connection and the socket.
  let stack: CodecStack

  /// The framing for the stack named `codec`, checked against the payload it will carry.
  init(codec: String, maxFrame: Int, payload: [UInt8]) throws(LoadConfigurationError) {
    do {
      stack = try CodecStack(parsing: codec, maxFrameLength: maxFrame)
    } catch {
      throw .unknownCodec(error.description)
    }
    switch stack.layers.last {
    case .line(let codec):
      guard !payload.contains(where: codec.delimiter.contains), payload.last != UInt8(ascii: "\r"),
        payload.count <= codec.maxLength
      else {
        throw .invalidSetting(
          "with --codec \(stack) a message must be one line of at most \(codec.maxLength) bytes: "
            + "no newline in it and no carriage return at its end")
      }
    case .lengthPrefix(let codec):
      guard payload.count <= codec.maxFrameLength else {
        throw .invalidSetting(
          "the payload (\(payload.count) bytes) is larger than --max-frame \(codec.maxFrameLength)")
      }
    case .zlib, nil:
      break
    }
  }

  /// True when replies are counted by size rather than delivered one frame per callback.
  var countsBytes: Bool {
    switch stack.layers.last {
    case .line, .lengthPrefix: false
    case .zlib, nil: true
    }
  }

  /// The protocol to hand the socket transport so that `top` sees whole messages.
  func wrap(_ top: any StreamProtocol) -> any StreamProtocol { stack.wrap(top) }
}
