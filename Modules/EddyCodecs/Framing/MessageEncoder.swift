import EddyProtocols

/// A pure, I/O-free state machine that turns typed messages into bytes to send, as
/// tokio-util's `Encoder`.
public protocol MessageEncoder: ReleasableCodec {
  /// What one message to encode is.
  associatedtype OutboundMessage
  /// Why the encoder refuses a message.
  associatedtype EncodeFailure: Error

  /// Appends the encoding of `message` to `buffer`.
  mutating func encode(_ message: OutboundMessage, into buffer: inout ByteBuffer) throws(EncodeFailure)

  /// Appends whatever must be sent after the last message (such as a compressed stream's
  /// trailer); called once, before the write side is closed.
  mutating func encodeEnd(into buffer: inout ByteBuffer) throws(EncodeFailure)
}

extension MessageEncoder {
  /// Appends nothing.
  public mutating func encodeEnd(into buffer: inout ByteBuffer) throws(EncodeFailure) {}
}
