import EddyProtocols

/// A decoder whose messages are byte frames and whose errors are ``CodecError``s: the codecs of
/// a ``CodecStack`` (lines, length prefixes, decompression), stackable under any stream
/// protocol.
public protocol FrameDecoder: MessageDecoder where InboundMessage == ByteBuffer, DecodeFailure == CodecError {
}

extension FrameDecoder {
  /// Decodes what ``MessageDecoder/decode(_:)`` can; leftover bytes are a truncated frame.
  public mutating func decodeLast(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer? {
    if let frame = try decode(&buffer) { return frame }
    guard buffer.isEmpty else { throw .truncatedFrame(bufferedBytes: buffer.readableBytes) }
    return nil
  }
}
