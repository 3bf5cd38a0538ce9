/// A stream protocol that receives into memory it owns, with no copy: the transport asks for a
/// buffer, reads into it, and reports how many bytes arrived. ``StreamProtocol/dataReceived(_:)``
/// is not called for such a protocol.
public protocol BufferedStreamProtocol: StreamProtocol {
  /// Returns memory the transport may read into; `sizeHint` is the size the transport would
  /// like, or 0 for no preference. Must not be empty. The memory must stay valid until
  /// ``bufferUpdated(_:)``.
  func getBuffer(sizeHint: Int) -> UnsafeMutableRawBufferPointer

  /// Called after `count` (> 0) bytes were written to the start of the last buffer returned by
  /// ``getBuffer(sizeHint:)``.
  func bufferUpdated(_ count: Int)
}
