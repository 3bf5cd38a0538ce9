/// How ``EddyReactor/EventLoop/createConnection(host:port:options:protocolFactory:completion:)`` connects.
public struct ConnectOptions: Sendable {
  /// The longest the whole attempt (resolution and every address) may take; nil for no limit.
  public var timeout: Duration?
  /// Disables Nagle's algorithm (`TCP_NODELAY`) on TCP connections.
  public var noDelay: Bool

  /// Creates options; by default a 30-second timeout and `TCP_NODELAY` on.
  public init(timeout: Duration? = .seconds(30), noDelay: Bool = true) {
    self.timeout = timeout
    self.noDelay = noDelay
  }
}
