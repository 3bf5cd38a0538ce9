/// A stream protocol that receives whole messages from a framing layer (EddyCodecs' `CodecLayer`).
///
/// A framing layer calls ``messageReceived(_:)`` once per decoded frame, zero-length frames
/// included, and never calls `dataReceived` on such a protocol. A protocol that is not a
/// `MessageProtocol` gets one `dataReceived` per non-empty frame instead (the stream contract
/// forbids empty data, so zero-length frames are not delivered to it). Stream layers that do not
/// frame, such as decompression, always call `dataReceived`.
public protocol MessageProtocol: StreamProtocol {
  /// Called with each decoded frame, in order; it may be empty.
  func messageReceived(_ message: ByteBuffer)

  /// Called once when the bytes received cannot be decoded, before the layer closes: the
  /// protocol may write a last reply, which is sent before the connection ends.
  /// `connectionLost` follows with the same error.
  func decodeFailed(_ error: any Error)
}

extension MessageProtocol {
  /// Does nothing: the layer closes and `connectionLost` reports the error.
  public func decodeFailed(_ error: any Error) {}
}
