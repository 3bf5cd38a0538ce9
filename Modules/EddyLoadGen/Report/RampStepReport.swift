/// What one step of a ramp measured.
public struct RampStepReport: Sendable {
  /// The step's number, from 1.
  public var step: Int
  /// Connections open during the step.
  public var connections: Int
  /// The step's length.
  public var duration: Duration
  /// Replies received (echo) or messages sent (sink) in the step.
  public var messages: Int
  /// Latency of the step's replies.
  public var latency: LatencySummary

  /// Messages per second over the step.
  public var messagesPerSecond: Double {
    duration.seconds > 0 ? Double(messages) / duration.seconds : 0
  }
}
