/// What every protocol family shares: the end of the connection and the write-side flow
/// control callbacks.
///
/// Protocols are callbacks called by a transport on its event loop's thread; do not call them
/// yourself unless you are writing a transport. Every method has an empty default.
///
/// - Important: Declare the methods you implement on the conforming class itself. Swift
///   dispatches a protocol requirement to a subclass override only when the superclass
///   implements it too.
public protocol BaseProtocol: AnyObject {
  /// Called exactly once when the connection is lost or closed, after every other callback.
  ///
  /// - Parameter error: nil for a regular end (EOF, or a close or abort from this side);
  ///   otherwise the error that ended the connection.
  func connectionLost(_ error: (any Error)?)

  /// Called once when the transport's write buffer goes strictly over its high-water mark.
  func pauseWriting()

  /// Called once, after ``pauseWriting()``, when the write buffer drains to the low-water mark
  /// or below.
  func resumeWriting()
}

extension BaseProtocol {
  /// Does nothing.
  public func connectionLost(_ error: (any Error)?) {}
  /// Does nothing.
  public func pauseWriting() {}
  /// Does nothing.
  public func resumeWriting() {}
}
