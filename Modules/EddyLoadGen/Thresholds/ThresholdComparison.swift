/// The operator of a ``LoadThreshold``.
public enum ThresholdComparison: String, Sendable, CaseIterable {
  /// The measured value must be below the limit.
  case less = "<"
  /// At most the limit.
  case lessOrEqual = "<="
  /// Above the limit.
  case greater = ">"
  /// At least the limit.
  case greaterOrEqual = ">="
  /// Exactly the limit.
  case equal = "=="

  /// Whether `value` compares with `limit` as the operator says.
  public func compare(_ value: Double, _ limit: Double) -> Bool {
    switch self {
    case .less: value < limit
    case .lessOrEqual: value <= limit
    case .greater: value > limit
    case .greaterOrEqual: value >= limit
    case .equal: value == limit
    }
  }
}
