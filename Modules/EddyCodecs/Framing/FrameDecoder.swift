import EddyProtocols

/// A pure, I/O-free state machine that cuts frames out of received bytes.
///
/// A ``CodecLayer`` appends received bytes to a buffer and calls ``decode(_:)`` until it
/// returns nil; at end-of-file it calls ``decodeLast(_:)`` the same way. Between calls the
/// buffer only grows at its end, except for the bytes the decoder itself consumed.
public protocol FrameDecoder: ReleasableCodec {
  /// True when each decoded buffer is one message; false for a stream transformation (such as
  /// decompression) whose output chunks are not message boundaries.
  var decodesMessages: Bool { get }

  /// Consumes one frame from the start of `buffer` and returns it, or returns nil, consuming
  /// nothing, when the frame is not complete yet.
  ///
  /// A frame lying whole in `buffer` should be returned as a slice of it (no copy).
  mutating func decode(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer?

  /// Like ``decode(_:)``, called once the stream has ended; throws
  /// ``CodecError/truncatedFrame(bufferedBytes:)`` when bytes of an unfinished frame remain.
  mutating func decodeLast(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer?
}

extension FrameDecoder {
  /// True: a frame is a message.
  public var decodesMessages: Bool { true }

  /// Decodes what ``decode(_:)`` can; leftover bytes are a truncated frame.
  public mutating func decodeLast(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer? {
    if let frame = try decode(&buffer) { return frame }
    guard buffer.isEmpty else { throw .truncatedFrame(bufferedBytes: buffer.readableBytes) }
    return nil
  }
}
