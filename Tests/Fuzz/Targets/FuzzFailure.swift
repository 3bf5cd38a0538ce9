/// A broken promise found while running a fuzz program: what was expected and what happened.
public struct FuzzFailure: Error, CustomStringConvertible {
  /// The explanation.
  public let description: String

  /// Describes the failure.
  public init(_ description: String) {
    self.description = description
  }
}

/// Throws a ``FuzzFailure`` with `message` unless `condition` holds.
@inlinable
public func require(
  _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String
) throws(FuzzFailure) {
  if !condition() { throw FuzzFailure(message()) }
}
