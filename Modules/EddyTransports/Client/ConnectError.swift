import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a connection could not be made.
public enum ConnectError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Nothing listens at the address (`ECONNREFUSED`).
  case refused(address: String, errno: Int32)
  /// No route to the address (`ENETUNREACH`, `EHOSTUNREACH`).
  case unreachable(address: String, errno: Int32)
  /// The attempt took longer than its timeout.
  case timedOut(host: String)
  /// The host name did not resolve; `code` is the `getaddrinfo` error.
  case resolutionFailed(host: String, code: Int32, message: String)
  /// Any other system failure while connecting.
  case system(SystemError)

  /// Classifies a failed connect to `address`.
  init(connecting address: String, error: SystemError) {
    switch error.errno {
    case ECONNREFUSED: self = .refused(address: address, errno: error.errno)
    case ENETUNREACH, EHOSTUNREACH: self = .unreachable(address: address, errno: error.errno)
    case ETIMEDOUT: self = .timedOut(host: address)
    default: self = .system(error)
    }
  }

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .refused(let address, let errno): "connection refused by \(address) (errno \(errno))"
    case .unreachable(let address, let errno): "\(address) is unreachable (errno \(errno))"
    case .timedOut(let host): "connecting to \(host) timed out"
    case .resolutionFailed(let host, let code, let message): "cannot resolve \(host): \(message) (\(code))"
    case .system(let error): "connect failed: \(error)"
    }
  }
}
