import EddyReactor

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

  /// Creates options; by default backlog 1024, address reuse and `TCP_NODELAY` on, port reuse
  /// off, and a 100 ms pause when descriptors run out.
  public init(
    backlog: Int32 = 1024, reuseAddress: Bool = true, reusePort: Bool = false, noDelay: Bool = true,
    acceptBackoff: Duration = .milliseconds(100)
  ) {
    self.backlog = backlog
    self.reuseAddress = reuseAddress
    self.reusePort = reusePort
    self.noDelay = noDelay
    self.acceptBackoff = acceptBackoff
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
