/// Errors counted by kind, with the first message seen for each kind.
public struct ErrorCounts: Sendable, Equatable {
  private var counts = [Int](repeating: 0, count: LoadErrorKind.allCases.count)
  private var firstMessages = [String?](repeating: nil, count: LoadErrorKind.allCases.count)

  /// No errors.
  public init() {}

  /// The count of one kind.
  public subscript(kind: LoadErrorKind) -> Int { counts[kind.rawValue] }

  /// The first description recorded for `kind`, if any.
  public func firstMessage(_ kind: LoadErrorKind) -> String? { firstMessages[kind.rawValue] }

  /// Every error, all kinds together.
  public var total: Int { counts.reduce(0, +) }

  /// The kinds seen at least once, with their counts, in declaration order.
  public var nonZero: [(kind: LoadErrorKind, count: Int)] {
    LoadErrorKind.allCases.compactMap { counts[$0.rawValue] > 0 ? ($0, counts[$0.rawValue]) : nil }
  }

  /// Counts `count` errors of `kind`, keeping `message` if it is the first of its kind.
  public mutating func add(_ kind: LoadErrorKind, count: Int = 1, message: @autoclosure () -> String? = nil) {
    guard count > 0 else { return }
    counts[kind.rawValue] += count
    if firstMessages[kind.rawValue] == nil { firstMessages[kind.rawValue] = message() }
  }

  /// Adds every count of `other`.
  public mutating func merge(_ other: ErrorCounts) {
    for kind in LoadErrorKind.allCases {
      add(kind, count: other[kind], message: other.firstMessage(kind))
    }
  }
}
