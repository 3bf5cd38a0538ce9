/// What the server is expected to do with each message.
public enum LoadMode: String, Sendable, CaseIterable {
  /// The server echoes every message; replies are counted and timed.
  case echo
  /// The server only reads: messages are sent as fast as flow control allows, nothing is timed.
  case sink
}
