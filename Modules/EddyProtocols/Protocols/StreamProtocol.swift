/// A protocol for byte streams: TCP, Unix sockets, pipes, TLS, and every codec layer.
///
/// The callback order is `connectionMade`, then any number of `dataReceived`, then at most one
/// `eofReceived`, then `connectionLost`; `pauseWriting`/`resumeWriting` may come anywhere
/// between the first and the last. `connectionMade` and `connectionLost` are called exactly once.
public protocol StreamProtocol: BaseProtocol {
  /// Called exactly once when the connection is made, before any other callback.
  /// Keep `transport` if you need it: it is how the protocol writes and closes.
  func connectionMade(_ transport: any StreamTransport)

  /// Called with received bytes: never empty, always in order, chunked arbitrarily.
  func dataReceived(_ data: ByteBuffer)

  /// Called at most once when the peer will send nothing more; no data follows it.
  ///
  /// - Returns: false (the default) to let the transport close itself; true to keep the
  ///   connection half-open and leave closing to the protocol. Transports that cannot
  ///   half-close (TLS) close anyway.
  func eofReceived() -> Bool

  /// Called when the data of one burst of reads has been delivered: the transport found its
  /// descriptor readable, read what it could (a bounded amount) and handed it up, and goes back
  /// to its loop now (SwiftNIO's `channelReadComplete`). A layer that hands up a bounded amount
  /// per turn of the loop starts counting again here. Layers pass it up.
  func readBurstEnded()
}

extension StreamProtocol {
  /// Does nothing.
  public func connectionMade(_ transport: any StreamTransport) {}
  /// Does nothing.
  public func dataReceived(_ data: ByteBuffer) {}
  /// Returns false, so the transport closes.
  public func eofReceived() -> Bool { false }
  /// Does nothing.
  public func readBurstEnded() {}
}
