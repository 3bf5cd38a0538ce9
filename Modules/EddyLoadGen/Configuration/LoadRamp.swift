/// Connections added in steps, each step measured and reported on its own.
public struct LoadRamp: Sendable, Equatable {
  /// Connections added at each step (the first step starts with this many).
  public var stepConnections: Int
  /// How long each step lasts.
  public var stepDuration: Duration

  /// Creates a ramp of `stepConnections` more connections every `stepDuration`.
  public init(stepConnections: Int, stepDuration: Duration) {
    self.stepConnections = stepConnections
    self.stepDuration = stepDuration
  }

  /// Parses the command-line form `STEP_CONNECTIONS,STEP_SECONDS`.
  public init(parsing text: String) throws(LoadConfigurationError) {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    guard parts.count == 2, let step = Int(parts[0]), let seconds = Double(parts[1]), step >= 1, seconds > 0
    else {
      throw .invalidSetting("--ramp expects STEP_CONNECTIONS,STEP_SECONDS with both positive, got '\(text)'")
    }
    self.init(stepConnections: step, stepDuration: .milliseconds(Int64((seconds * 1000).rounded())))
  }

  /// The number of steps needed to reach `connections`.
  public func stepCount(connections: Int) -> Int {
    (connections + stepConnections - 1) / stepConnections
  }
}
