import EddyProtocols
import EddyReactor

/// Why a datagram endpoint could not be created.
public enum DatagramEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Neither a local nor a remote address was given, so the address family is unknown.
  case noAddress
  /// The local and remote addresses belong to different families.
  case familyMismatch(local: SocketAddress, remote: SocketAddress)
  /// The socket could not be bound to `address` (for example `EADDRINUSE`).
  case bindFailed(address: SocketAddress, error: SystemError)
  /// The socket could not be connected to `address` (for example a Unix path with no socket).
  case connectFailed(address: SocketAddress, error: SystemError)
  /// A multicast setting of ``DatagramOptions/multicast`` was refused.
  case multicast(MulticastError)
  /// Any other system failure (creating, configuring or registering the socket).
  case system(SystemError)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .noAddress: "a datagram endpoint needs a local or a remote address"
    case .familyMismatch(let local, let remote): "\(local) and \(remote) belong to different address families"
    case .bindFailed(let address, let error): "cannot bind to \(address): \(error)"
    case .connectFailed(let address, let error): "cannot connect to \(address): \(error)"
    case .multicast(let error): "cannot create the datagram endpoint: \(error)"
    case .system(let error): "cannot create the datagram endpoint: \(error)"
    }
  }
}
