import NIOCore

/// Encodes a frame as its bytes followed by `\n`, the counterpart of swift-nio-extras'
/// `LineBasedFrameDecoder` (which has no encoder of its own).
struct LineFrameEncoder: MessageToByteEncoder {
  typealias OutboundIn = ByteBuffer

  func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
    out.writeImmutableBuffer(data)
    out.writeInteger(UInt8(ascii: "\n"))
  }
}
