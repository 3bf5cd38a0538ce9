import EddyReactor
import Logging

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a server's listening sockets and accepted connections are set up.
public struct ServerOptions: Sendable {
  /// The kernel's queue of connections not yet accepted.
  public var backlog: Int32
  /// `SO_REUSEADDR`: rebind a port that still has connections in `TIME_WAIT`.
  public var reuseAddress: Bool
  /// `SO_REUSEPORT`: let several sockets (or processes) listen on one port.
  public var reusePort: Bool
  /// `TCP_NODELAY` on accepted TCP connections.
  public var noDelay: Bool
  /// How long accepting pauses when the process is out of descriptors (`EMFILE`, `ENFILE`).
  public var acceptBackoff: Duration
  /// The most connections open at once; one accepted beyond it is closed at once, the others
  /// go on. 0: no limit.
  public var maxConnections: Int
  /// A connection whose peer sends nothing and that has nothing left to write for this long is
  /// closed. nil: never.
  public var idleTimeout: Duration?
  /// A connection whose layers have held the beginning of a frame for this long without its end
  /// (a slow or stalled sender of one frame) is aborted with ``ServerLimitError/frameTimeout(_:)``.
  /// nil: never. Only layers report unfinished frames: a server of raw bytes has none.
  public var frameTimeout: Duration?
  /// The bytes all connections together may buffer (unfinished received frames in their
  /// layers and writes the kernel has not taken); see docs/reliability.md. Past it the
  /// connection holding the most stops being read, and is aborted with
  /// ``ServerLimitError/bufferBudgetExceeded(heldBytes:budget:)`` if the total still grows while it
  /// holds the most. Split evenly among the server's loops. nil: no budget.
  public var bufferBudget: Int?
  /// On a group of several loops (Linux, TCP): one listening socket per loop with
  /// `SO_REUSEPORT`, each loop accepting and serving its own connections (the kernel spreads
  /// them by address hash). Off, or elsewhere: the first loop accepts for all, round-robin.
  public var acceptsOnEveryLoop: Bool
  /// Options set on every accepted connection, after ``noDelay``; one that fails is reported to
  /// the loop's error handler and the connection is served anyway.
  public var socketOptions: [SocketOption]
  /// Told of every connection accepted and closed, of accept back-offs, and given the loops'
  /// traffic counts (EddyMetrics' `ConnectionMetrics` is one); nil: no one, and nothing is
  /// counted.
  public var observer: (any ConnectionObserver)?
  /// Where the server logs: its connections' lifecycle at debug, its limits acting at notice,
  /// accept failures at warning and error, nothing per message (see docs/architecture.md,
  /// "Observing a server"). By default a logger labelled `eddy.server`.
  public var logger: Logger

  /// The default ``bufferBudget``: 256 MiB.
  public static let defaultBufferBudget = 256 << 20

  /// Creates options; by default backlog 1024, address reuse and `TCP_NODELAY` on, port reuse
  /// off, a 100 ms pause when descriptors run out, no connection limit, no idle or frame
  /// timeout, a buffer budget of 256 MiB, no observer and a logger labelled `eddy.server`.
  public init(
    backlog: Int32 = 1024, reuseAddress: Bool = true, reusePort: Bool = false, noDelay: Bool = true,
    acceptBackoff: Duration = .milliseconds(100), maxConnections: Int = 0, idleTimeout: Duration? = nil,
    frameTimeout: Duration? = nil, bufferBudget: Int? = defaultBufferBudget,
    socketOptions: [SocketOption] = [], acceptsOnEveryLoop: Bool = true,
    observer: (any ConnectionObserver)? = nil, logger: Logger = Logger(label: "eddy.server")
  ) {
    self.observer = observer
    self.logger = logger
    self.frameTimeout = frameTimeout
    self.bufferBudget = bufferBudget
    self.socketOptions = socketOptions
    self.acceptsOnEveryLoop = acceptsOnEveryLoop
    self.backlog = backlog
    self.reuseAddress = reuseAddress
    self.reusePort = reusePort
    self.noDelay = noDelay
    self.acceptBackoff = acceptBackoff
    self.maxConnections = maxConnections
    self.idleTimeout = idleTimeout
  }
}

/// Why a server could not start listening.
public enum ListenError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The host name did not resolve.
  case resolutionFailed(host: String, message: String)
  /// A socket could not be bound to or listen on `address` (for example `EADDRINUSE`).
  case bindFailed(address: String, error: SystemError)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .resolutionFailed(let host, let message): "cannot resolve \(host): \(message)"
    case .bindFailed(let address, let error) where error.errno == EADDRINUSE:
      "cannot listen on \(address): address in use (\(error))"
    case .bindFailed(let address, let error): "cannot listen on \(address): \(error)"
    }
  }
}
