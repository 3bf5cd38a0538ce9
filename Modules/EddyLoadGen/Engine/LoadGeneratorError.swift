/// Why a load run could not produce a report.
public enum LoadGeneratorError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Not one connection could be made; the text is the first connect error.
  case noConnection(target: String, reason: String)
  /// The event loops could not be started.
  case system(String)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .noConnection(let target, let reason): "could not connect to \(target): \(reason)"
    case .system(let reason): "cannot start the load: \(reason)"
    }
  }
}
