import EddyProtocols

/// A pure, I/O-free state machine that cuts typed messages out of received bytes, as
/// tokio-util's `Decoder` with its `Item` and `Error`.
///
/// A ``CodecLayer`` appends received bytes to a buffer and calls ``decode(_:)`` until it
/// returns nil; at end-of-file it calls ``decodeLast(_:)`` the same way, and bytes still left
/// after that are a truncated frame (``CodecError/truncatedFrame(bufferedBytes:)``). Between
/// calls the buffer only grows at its end, except for the bytes the decoder itself consumed.
/// A thrown error ends the connection: the protocol above learns it first (and may write a last
/// reply), then the layer closes and `connectionLost` carries it.
public protocol MessageDecoder: ReleasableCodec {
  /// What one decoded message is.
  associatedtype InboundMessage
  /// Why the decoder refuses its input.
  associatedtype DecodeFailure: Error

  /// True when each decoded value is one message; false for a stream transformation (such as
  /// decompression) whose output chunks are not message boundaries.
  var decodesMessages: Bool { get }

  /// Consumes one message from the start of `buffer` and returns it, or returns nil, consuming
  /// nothing the next call needs, when the message is not complete yet.
  mutating func decode(_ buffer: inout ByteBuffer) throws(DecodeFailure) -> InboundMessage?

  /// Like ``decode(_:)``, called once the stream has ended.
  mutating func decodeLast(_ buffer: inout ByteBuffer) throws(DecodeFailure) -> InboundMessage?
}

extension MessageDecoder {
  /// True: a decoded value is a message.
  public var decodesMessages: Bool { true }

  /// Decodes what ``decode(_:)`` can; the layer reports bytes left over as a truncated frame.
  public mutating func decodeLast(_ buffer: inout ByteBuffer) throws(DecodeFailure) -> InboundMessage? {
    try decode(&buffer)
  }
}
