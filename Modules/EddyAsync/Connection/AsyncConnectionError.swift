/// Why an ``AsyncConnection`` refused a write.
public enum AsyncConnectionError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The connection is closed or closing.
  case closed
  /// ``AsyncConnection/writeEOF()`` was called: the write side is shut.
  case outputClosed

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .closed: "the connection is closed"
    case .outputClosed: "the connection's write side is shut"
    }
  }
}
