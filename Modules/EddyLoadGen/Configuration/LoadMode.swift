/// What the server is expected to do with each message.
public enum LoadMode: String, Sendable, CaseIterable {
  /// The server echoes every message; replies are counted and timed.
  case echo
  /// The server answers every message with one reply, whatever its content (a Redis or
  /// memcached command, an RPC): replies are framed by ``ReplyRule``, counted and timed.
  case request
  /// The server only reads: messages are sent as fast as flow control allows, nothing is timed.
  case sink

  /// Whether every message is answered by a reply.
  public var expectsReplies: Bool { self != .sink }
}
