import EddyReactor

/// Everything a load run needs: where, how many connections, how long, how hard, and with what
/// messages. The defaults are those of the `loadgen` command.
public struct LoadConfiguration: Sendable {
  /// Where the load goes.
  public var target: LoadTarget
  /// Connections opened (with a ramp: the number reached at the last step).
  public var connections = 16
  /// Event loops (threads) the connections are spread over; never more than `connections`.
  public var loops = 1
  /// The loops' backend; nil: `EventLoopBackend.default` (`EDDY_BACKEND`, else epoll).
  public var backend: EventLoopBackend?
  /// The measured window; with ``requests`` as well, a time limit. nil: no time limit.
  public var duration: Duration? = .seconds(10)
  /// Messages sent in total, then the run ends. nil: send until ``duration`` ends.
  public var requests: Int?
  /// Load applied before the measured window; nothing sent in it is counted.
  public var warmup: Duration = .zero
  /// Messages per second in total on a fixed schedule (open loop); nil for a closed loop.
  public var rate: Double?
  /// Messages outstanding per connection in a closed loop.
  public var pipeline = 1
  /// The bytes of every message.
  public var payload: [UInt8] = LoadConfiguration.defaultPayload(size: 64)
  /// The codec stack, from the wire upward, in the grammar of `CodecStack(parsing:)`: `raw`,
  /// `line`, `zlib:level=1,length-prefix:width=2`, …; a `tls` layer first needs ``tls``.
  public var codec = "raw"
  /// The largest frame the codec stack accepts, in bytes: the default `max` of `length-prefix`.
  public var maxFrame = 16 * 1024 * 1024
  /// TLS under the codec stack, or nil for plain connections.
  public var tls: LoadTLS?
  /// Compare every echoed byte with what was sent.
  public var verify = false
  /// Whether replies are expected, and what they are.
  public var mode = LoadMode.echo
  /// Request mode: the messages sent and how they are chosen; nil in the other modes, which
  /// send ``payload``.
  public var messages: MessageMix?
  /// Request mode: where a reply ends; nil means one frame of a framing stack.
  public var reply: ReplyRule?
  /// Request mode: what every reply must be, if anything.
  public var expectation: ReplyExpectation?
  /// A message unanswered this long counts as timed out and frees its pipeline slot; when no
  /// reply at all comes for this long while messages are outstanding, the run ends.
  public var replyTimeout: Duration = .seconds(5)
  /// New connections per second in total; nil: all at once.
  public var connectRate: Double?
  /// The longest one connection attempt may take.
  public var connectTimeout: Duration = .seconds(10)
  /// A client behaviour to apply, if any.
  public var scenario: LoadScenario?
  /// Add connections in steps instead of all at once; the run lasts one step duration per step.
  public var ramp: LoadRamp?
  /// Connect, then wait until this time (seconds since the UNIX epoch) before the warmup and
  /// the load begin, so that many hosts start together; nil: start once connected.
  public var startAt: Double?
  /// After sending stops, how long to wait for the last replies and for the server to close
  /// after the end of input before what is outstanding counts as in flight.
  public var drainTimeout: Duration = .seconds(2)
  /// With ``LoadScenario/slowReader``: clients read for the first `reading` of every `period`.
  public var slowReaderCycle: (reading: Duration, period: Duration) = (.milliseconds(20), .milliseconds(200))

  /// A configuration with the default settings against `target`.
  public init(target: LoadTarget) {
    self.target = target
  }

  /// A printable payload of `size` bytes (lowercase letters, so it is also a valid text line).
  public static func defaultPayload(size: Int) -> [UInt8] {
    (0..<size).map { UInt8(ascii: "a") + UInt8($0 % 26) }
  }

  /// The loops actually started: no more than there are connections.
  public var effectiveLoops: Int { max(1, min(loops, connections)) }

  /// The total time the traffic runs, warmup excluded: the ramp's steps, or ``duration``.
  public var window: Duration? {
    if let ramp { return ramp.stepDuration * ramp.stepCount(connections: connections) }
    return duration
  }

  /// Checks every setting and how they combine.
  public func validate() throws(LoadConfigurationError) {
    try require(connections >= 1, "--connections must be at least 1")
    try require(loops >= 1, "--loops must be at least 1")
    try require(pipeline >= 1, "--pipeline must be at least 1")
    try require(!payload.isEmpty, "the payload must not be empty")
    try require(warmup >= .zero, "--warmup must not be negative")
    try require(maxFrame >= 1, "--max-frame must be at least 1")
    try require(connectTimeout > .zero, "--connect-timeout must be positive")
    try require(drainTimeout >= .zero, "--drain-timeout must not be negative")
    try require(replyTimeout > .zero, "--reply-timeout must be positive")
    if let duration { try require(duration > .zero, "--duration must be positive") }
    if let requests { try require(requests >= 1, "--requests must be at least 1") }
    try require(duration != nil || requests != nil || ramp != nil, "give --duration or --requests")
    if let rate { try require(rate > 0 && rate.isFinite, "--rate must be positive") }
    if let connectRate {
      try require(connectRate > 0 && connectRate.isFinite, "--connect-rate must be positive")
    }
    try require(
      !(rate != nil && pipeline != 1), "--rate (open loop) and --pipeline (closed loop) exclude each other")
    try require(!(verify && mode == .sink), "--verify needs replies: it cannot be used with --mode sink")
    if let ramp {
      try require(ramp.stepConnections >= 1 && ramp.stepDuration > .zero, "--ramp steps must be positive")
      try require(requests == nil, "--ramp runs for its steps: it cannot be used with --requests")
    }
    let framing = try MessageFraming(self)
    if framing.stack.usesTLS && tls == nil {
      throw .unknownCodec("--codec: layer 'tls' needs a TLS client configuration (--tls and its options)")
    }
    try validateRequests(framed: framing.stack.frames)
  }

  /// The reply rule in effect: the one given, or one frame.
  var effectiveReply: ReplyRule { reply ?? .frames(1) }

  /// Checks the request-mode settings against the mode and the codec stack.
  private func validateRequests(framed: Bool) throws(LoadConfigurationError) {
    guard mode == .request else {
      if messages != nil || reply != nil || expectation != nil {
        throw .invalidSetting(
          "--message, --message-file, --ratio, --reply-*, --expect and --expect-prefix need --mode request")
      }
      return
    }
    guard let messages, !messages.messages.isEmpty else {
      throw .invalidSetting("--mode request needs at least one --message (or --message-file)")
    }
    if let weights = messages.weights,
      weights.count != messages.messages.count || weights.contains(where: { $0 < 1 })
    {
      throw .invalidSetting("--ratio needs one positive weight per message")
    }
    try require(!verify, "--verify compares echoes: with --mode request use --expect or --expect-prefix")
    switch reply {
    case nil where !framed:
      throw .invalidSetting(
        "--codec \(codec) does not frame replies: give --reply-bytes N or --reply-until TEXT")
    case .frames(let count)?:
      try require(framed, "--reply-frames counts frames: it needs a framing --codec (line, length-prefix)")
      try require(count >= 1, "--reply-frames must be at least 1")
    case .bytes(let count)?:
      try require(!framed, "--reply-bytes counts bytes: it needs --codec raw (or zlib alone), not \(codec)")
      try require(count >= 1, "--reply-bytes must be at least 1")
      if case .equal(let text) = expectation, text.count != count {
        throw .invalidSetting(
          "--expect is \(text.count) bytes but --reply-bytes is \(count): no reply could match")
      }
    case .until(let texts)?:
      try require(!texts.isEmpty && !texts.contains(where: \.isEmpty), "--reply-until must not be empty")
    case nil:
      break
    }
  }

  private func require(_ condition: Bool, _ reason: @autoclosure () -> String) throws(LoadConfigurationError)
  {
    if !condition { throw .invalidSetting(reason()) }
  }
}
