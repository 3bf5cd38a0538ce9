/// The messages of a request-mode run and how they are chosen: in the given order, round-robin
/// per connection, or at random with integer weights.
public struct MessageMix: Sendable, Equatable {
  /// The messages, at least one.
  public var messages: [LoadMessage]
  /// One positive weight per message (`--ratio`); nil: round-robin.
  public var weights: [Int]?

  /// A mix of `messages`, chosen with `weights` (nil: in turn).
  public init(messages: [LoadMessage], weights: [Int]? = nil) {
    self.messages = messages
    self.weights = weights
  }

  /// Parses `--ratio W1:W2:…`, one positive integer per message.
  public static func weights(parsing text: String, messageCount: Int) throws(LoadConfigurationError) -> [Int]
  {
    let fields = text.split(separator: ":", omittingEmptySubsequences: false)
    var weights: [Int] = []
    for field in fields {
      guard let weight = Int(field), weight >= 1, weight <= 1_000_000 else {
        throw .invalidSetting("--ratio: '\(field)' is not a weight from 1 to 1000000")
      }
      weights.append(weight)
    }
    guard weights.count == messageCount else {
      throw .invalidSetting(
        "--ratio: \(weights.count) weights for \(messageCount) messages (give one per --message)")
    }
    return weights
  }
}
