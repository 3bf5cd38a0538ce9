/// Why a server ended a connection to defend itself; `connectionLost` carries it.
public enum ServerLimitError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The server's connections together held more than the buffer budget, and this one held the
  /// most even after its reading was held.
  case bufferBudgetExceeded(heldBytes: Int, budget: Int)
  /// Input that began (a frame not yet complete) stayed unfinished for longer than the
  /// server's frame timeout.
  case frameTimeout(Duration)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .bufferBudgetExceeded(let held, let budget):
      "closed by the server's buffer budget: held \(held) bytes when all connections passed \(budget)"
    case .frameTimeout(let timeout):
      "closed by the server's frame timeout: a frame stayed unfinished for \(timeout)"
    }
  }
}
