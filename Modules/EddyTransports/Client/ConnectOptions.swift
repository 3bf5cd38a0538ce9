/// How ``EddyReactor/EventLoop/createConnection(host:port:options:protocolFactory:completion:)`` connects.
public struct ConnectOptions: Sendable {
  /// The longest the whole attempt (resolution and every address) may take; nil for no limit.
  public var timeout: Duration?
  /// Disables Nagle's algorithm (`TCP_NODELAY`) on TCP connections.
  public var noDelay: Bool
  /// Options set on the socket before it connects, after ``noDelay``.
  public var socketOptions: [SocketOption]

  /// Creates options; by default a 30-second timeout, `TCP_NODELAY` on and no other option.
  public init(timeout: Duration? = .seconds(30), noDelay: Bool = true, socketOptions: [SocketOption] = []) {
    self.timeout = timeout
    self.noDelay = noDelay
    self.socketOptions = socketOptions
  }
}
