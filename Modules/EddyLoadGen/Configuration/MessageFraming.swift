import EddyCodecs
import EddyProtocols

/// How messages travel: through a codec stack, and either one frame per message (a framing
/// stack) or counted by size in the byte stream (`raw` and `zlib`, where an echo is complete
/// when as many bytes as the payload came back).
///
/// In echo and sink mode a stack whose only layer frames (`line`, `length-prefix`) is applied
/// once, ahead of time: every message is the same frame, so it is encoded once and echoes are
/// counted and compared as bytes. The server still decodes and encodes every frame; the
/// generator does not spend its time decoding what it can predict, which keeps one generator
/// loop ahead of one server loop. In request mode replies are not predictable: the whole stack
/// runs, and each reply is found by ``ReplyRule``.
struct MessageFraming: Sendable {
  /// The stack the tools named.
  let stack: CodecStack
  /// The layers put between the connection and the socket (none when framing is pre-encoded).
  let layers: CodecStack
  /// The bytes one message puts on the wire, as the connection writes them.
  let wirePayload: [UInt8]

  /// The framing for `configuration`'s stack, checked against the payload it will carry.
  init(_ configuration: LoadConfiguration) throws(LoadConfigurationError) {
    do {
      stack = try CodecStack(parsing: configuration.codec, maxFrameLength: configuration.maxFrame)
    } catch {
      throw .unknownCodec("--codec: \(error)")
    }
    guard configuration.mode != .request else {
      (layers, wirePayload) = (stack, [])
      return
    }
    let payload = configuration.payload
    switch stack.layers.last {
    case .line(let codec):
      let endsInCarriageReturn = codec.stripsCarriageReturn && payload.last == UInt8(ascii: "\r")
      guard !payload.contains(where: codec.delimiter.contains), !endsInCarriageReturn,
        payload.count <= codec.maxLength
      else {
        throw .invalidSetting(
          "with --codec \(stack) a message must be one line of at most \(codec.maxLength) bytes: "
            + "no delimiter byte in it and no carriage return at its end")
      }
    case .lengthPrefix(let codec):
      guard payload.count <= codec.maxFrameLength else {
        throw .invalidSetting(
          "the payload (\(payload.count) bytes) is larger than --max-frame \(codec.maxFrameLength)")
      }
    case .zlib, .custom, nil:
      break
    }
    (layers, wirePayload) = try Self.preEncoded(stack, payload: payload)
  }

  /// A single framing layer, applied to the payload once; any other stack unchanged.
  private static func preEncoded(
    _ stack: CodecStack, payload: [UInt8]
  ) throws(LoadConfigurationError) -> (CodecStack, [UInt8]) {
    guard stack.layers.count == 1 else { return (stack, payload) }
    var frame = ByteBuffer()
    do {
      switch stack.layers[0] {
      case .line(var codec): try codec.encode(ByteBuffer(bytes: payload), into: &frame)
      case .lengthPrefix(var codec): try codec.encode(ByteBuffer(bytes: payload), into: &frame)
      case .zlib, .custom: return (stack, payload)
      }
    } catch {
      throw .invalidSetting("the payload cannot be framed by --codec \(stack): \(error)")
    }
    return (CodecStack(layers: []), frame.bytes)
  }

  /// True when replies are counted by size (or found by ``ReplyRule``) in the byte stream
  /// rather than delivered one frame per callback.
  var countsBytes: Bool { !layers.frames }

  /// The protocol to hand the socket transport so that `top` sees whole messages.
  func wrap(_ top: any StreamProtocol) -> any StreamProtocol { layers.wrap(top) }
}

extension CodecStack {
  /// True when the stack's top layer cuts the stream into frames.
  var frames: Bool { layers.last?.frames ?? false }
}
