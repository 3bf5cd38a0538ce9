import EddyProtocols

/// A pure, I/O-free state machine that turns frames into bytes to send.
public protocol FrameEncoder: ReleasableCodec {
  /// Appends the encoding of `frame` to `buffer`.
  mutating func encode(_ frame: ByteBuffer, into buffer: inout ByteBuffer) throws(CodecError)

  /// Appends whatever must be sent after the last frame (such as a compressed stream's
  /// trailer); called once, before the write side is closed.
  mutating func encodeEnd(into buffer: inout ByteBuffer) throws(CodecError)
}

extension FrameEncoder {
  /// Appends nothing.
  public mutating func encodeEnd(into buffer: inout ByteBuffer) throws(CodecError) {}
}
