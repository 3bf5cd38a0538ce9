/// The kinds of error a load run counts, each under its own name in the reports.
public enum LoadErrorKind: Int, Sendable, CaseIterable, CustomStringConvertible {
  /// A connection attempt was refused.
  case connectRefused
  /// A connection attempt took longer than the connect timeout.
  case connectTimeout
  /// A connection attempt failed otherwise (unreachable, resolution, system error).
  case connectFailed
  /// An established connection ended with an error (reset, codec error, …).
  case connectionError
  /// The server closed an established connection while load was still being applied.
  case closedByPeer
  /// A message whose connection ended before its reply came.
  case lostMessage
  /// A reply whose bytes differ from the message sent.
  case verifyMismatch
  /// Bytes arrived with no message outstanding to answer.
  case unexpectedReply
  /// Request mode: a reply did not match `--expect` or `--expect-prefix`.
  case replyMismatch
  /// A message had no reply within the reply timeout.
  case replyTimeout

  /// The snake-case name used in summaries and JSON.
  public var description: String {
    switch self {
    case .connectRefused: "connect_refused"
    case .connectTimeout: "connect_timeout"
    case .connectFailed: "connect_failed"
    case .connectionError: "connection_error"
    case .closedByPeer: "closed_by_peer"
    case .lostMessage: "lost_messages"
    case .verifyMismatch: "verify_mismatches"
    case .unexpectedReply: "unexpected_replies"
    case .replyMismatch: "reply_mismatch"
    case .replyTimeout: "reply_timeout"
    }
  }
}
