import Eddy

/// The binary RPC that `rpc-server` and `rpc-async` answer. Every message is a frame with a 2-byte
/// little-endian length before it. A request is a method byte and its arguments; a reply is a
/// status byte (0: done, 1: refused) and the result, or the reason for a refusal in UTF-8.
///
/// - method 1, `add`: two 32-bit little-endian integers; the result is their wrapping sum.
/// - method 2, `upper`: UTF-8 text; the result is the text upper-cased.
public enum RPC {
  /// The framing: a 2-byte little-endian length before each frame.
  public static let framing = LengthFieldCodec(lengthFieldLength: 2, endianness: .little)

  /// The reply to one request frame.
  public static func reply(to request: ByteBuffer) -> ByteBuffer {
    var arguments = request
    var reply = ByteBuffer()
    switch arguments.readInteger(as: UInt8.self) {
    case 1:
      guard let a = arguments.readInteger(endianness: .little, as: Int32.self),
        let b = arguments.readInteger(endianness: .little, as: Int32.self), arguments.readableBytes == 0
      else { return refusal("add takes two 32-bit integers") }
      reply.writeInteger(UInt8(0))
      reply.writeInteger(a &+ b, endianness: .little)
    case 2:
      reply.writeInteger(UInt8(0))
      reply.writeString(arguments.string.uppercased())
    case let method?:
      return refusal("no method \(method)")
    case nil:
      return refusal("an empty request")
    }
    return reply
  }

  private static func refusal(_ reason: String) -> ByteBuffer {
    var reply = ByteBuffer()
    reply.writeInteger(UInt8(1))
    reply.writeString(reason)
    return reply
  }
}
