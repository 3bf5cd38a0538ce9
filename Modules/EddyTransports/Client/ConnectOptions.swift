import Logging

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
  /// Where the connection's lifecycle is logged, at debug and nothing per message: connected
  /// (metadata `peer` and `local`), closed (with the error that ended it, as `error`), and a
  /// connect that failed (`target`, `error`). Addresses are asked for only when debug is on.
  public var logger: Logger

  /// Creates options; by default a 30-second timeout, `TCP_NODELAY` on, no other option, a
  /// 250 ms delay between racing attempts (RFC 8305's recommendation), no observer and a logger
  /// labelled `eddy.client`.
  public init(
    timeout: Duration? = .seconds(30), noDelay: Bool = true, socketOptions: [SocketOption] = [],
    attemptDelay: Duration = .milliseconds(250), observer: (any ConnectionObserver)? = nil,
    logger: Logger = Logger(label: "eddy.client")
  ) {
    self.observer = observer
    self.logger = logger
    self.timeout = timeout
    self.noDelay = noDelay
    self.socketOptions = socketOptions
    self.attemptDelay = attemptDelay
  }
}
