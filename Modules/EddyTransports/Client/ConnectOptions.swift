/// How ``EddyReactor/EventLoop/createConnection(host:port:options:protocolFactory:completion:)`` connects.
public struct ConnectOptions: Sendable {
  /// The longest the whole attempt (resolution and every address) may take; nil for no limit.
  public var timeout: Duration?
  /// Disables Nagle's algorithm (`TCP_NODELAY`) on TCP connections.
  public var noDelay: Bool
  /// Options set on the socket before it connects, after ``noDelay``.
  public var socketOptions: [SocketOption]
  /// Happy Eyeballs (RFC 8305): when a name resolves to several addresses, how long one attempt
  /// may go unanswered before the next address is tried beside it (the families alternate);
  /// zero tries them one after another. The first to connect wins, the others are closed.
  public var attemptDelay: Duration
  /// Told when the connection is made and when it ends, and given its loop's traffic counts
  /// (EddyMetrics' `ConnectionMetrics` is one); nil: no one, and nothing is counted.
  public var observer: (any ConnectionObserver)?

  /// Creates options; by default a 30-second timeout, `TCP_NODELAY` on, no other option, a
  /// 250 ms delay between racing attempts (RFC 8305's recommendation) and no observer.
  public init(
    timeout: Duration? = .seconds(30), noDelay: Bool = true, socketOptions: [SocketOption] = [],
    attemptDelay: Duration = .milliseconds(250), observer: (any ConnectionObserver)? = nil
  ) {
    self.observer = observer
    self.timeout = timeout
    self.noDelay = noDelay
    self.socketOptions = socketOptions
    self.attemptDelay = attemptDelay
  }
}
