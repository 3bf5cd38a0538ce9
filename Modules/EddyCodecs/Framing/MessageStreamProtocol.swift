import EddyProtocols

/// A protocol that receives and sends typed messages through a ``CodecLayer`` over a typed codec
/// (a ``MessageDecoder`` and a ``MessageEncoder``): `CodecLayer(codec: RESPCodec(), handler:
/// server)` hands a RESP server values, not bytes.
///
/// The callbacks are a stream protocol's with messages for bytes: `connectionMade` once, then
/// any number of ``messageReceived(_:)``, at most one ``decodeFailed(_:)`` or `eofReceived`,
/// then `connectionLost` once; `pauseWriting`/`resumeWriting` anywhere between. Every method but
/// ``messageReceived(_:)`` has an empty default.
public protocol MessageStreamProtocol<InboundMessage, OutboundMessage>: BaseProtocol {
  /// What one message received is.
  associatedtype InboundMessage
  /// What one message sent is.
  associatedtype OutboundMessage

  /// Called exactly once when the connection is made, before any other callback.
  func connectionMade(_ transport: any MessageStreamTransport<OutboundMessage>)

  /// Called with each decoded message, in order.
  func messageReceived(_ message: InboundMessage)

  /// Called once when the bytes received cannot be decoded, before the layer closes: the
  /// protocol may write a last reply (an error message), which is sent before the connection
  /// ends. `connectionLost` follows with the same error.
  func decodeFailed(_ error: any Error)

  /// Called at most once when the peer will send nothing more; no message follows it.
  ///
  /// - Returns: false (the default) to let the layer close; true to keep the connection
  ///   half-open and leave closing to the protocol.
  func eofReceived() -> Bool
}

extension MessageStreamProtocol {
  /// Does nothing.
  public func connectionMade(_ transport: any MessageStreamTransport<OutboundMessage>) {}
  /// Does nothing: the layer closes and `connectionLost` reports the error.
  public func decodeFailed(_ error: any Error) {}
  /// Returns false, so the layer closes.
  public func eofReceived() -> Bool { false }
}
