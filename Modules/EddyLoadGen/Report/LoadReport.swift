import Histogram

/// What a load run measured. Every message counted in ``sent`` is in ``received``, in
/// ``inFlight``, or counted as a ``LoadErrorKind/replyTimeout`` or (its connection ended
/// first) ``LoadErrorKind/lostMessage`` error.
public struct LoadReport: Sendable {
  /// The target, as given.
  public var target: LoadTarget
  /// Connections the configuration asked for.
  public var connections: Int
  /// Connections that were established.
  public var connectionsEstablished: Int
  /// Established connections that ended early with an error or a close by the server.
  public var connectionsLost: Int
  /// The measured window: the duration, or (with a request count) the time until the last reply.
  public var duration: Duration
  /// Messages written to the wire in the measured window.
  public var sent: Int
  /// Replies received to messages of the window.
  public var received: Int
  /// Messages of the window whose reply had not come when the run ended.
  public var inFlight: Int
  /// Payload bytes of the messages sent.
  public var bytesSent: Int
  /// Payload bytes of the replies received.
  public var bytesReceived: Int
  /// Errors by kind.
  public var errors: ErrorCounts
  /// Latency of every reply of the window, in microseconds.
  public var latency: Histogram<UInt64>
  /// One entry per ramp step, when the run ramped.
  public var rampSteps: [RampStepReport]
  /// Whether replies were expected.
  public var mode: LoadMode
  /// The open-loop rate asked for, if any.
  public var requestedRate: Double?
  /// Open loop: how far the writes fell behind their schedule (nil for a closed loop).
  public var scheduleLag: ScheduleLag?
  /// The run ended because no reply came for ``replyTimeout`` while messages were outstanding.
  public var serverStoppedAnswering = false
  /// How long a message could wait for its reply.
  public var replyTimeout: Duration = .seconds(5)
  /// When the measured window began, in seconds since the UNIX epoch.
  public var windowStart: Double = 0

  /// Messages per second over the window: replies in echo mode, messages sent in sink mode.
  public var messagesPerSecond: Double {
    let seconds = duration.seconds
    guard seconds > 0 else { return 0 }
    return Double(mode.expectsReplies ? received : sent) / seconds
  }

  /// Payload bytes per second over the window, counted as ``messagesPerSecond`` is.
  public var bytesPerSecond: Double {
    let seconds = duration.seconds
    guard seconds > 0 else { return 0 }
    return Double(mode.expectsReplies ? bytesReceived : bytesSent) / seconds
  }

  /// The latency percentiles in microseconds.
  public var latencySummary: LatencySummary { LatencySummary(microseconds: latency) }

  /// True when every connection failed: none was made and attempts failed, or every one made
  /// ended with an error. A run stopped while it was still connecting made none and failed none.
  public var everyConnectionFailed: Bool {
    let attemptsFailed = errors[.connectRefused] + errors[.connectTimeout] + errors[.connectFailed] > 0
    return connectionsEstablished == 0 ? attemptsFailed : connectionsLost >= connectionsEstablished
  }
}

extension Duration {
  /// The duration in seconds, as a floating-point number.
  public var seconds: Double {
    let (whole, attoseconds) = components
    return Double(whole) + Double(attoseconds) / 1e18
  }
}
