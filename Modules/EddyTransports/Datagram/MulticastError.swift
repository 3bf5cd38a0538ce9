import EddyProtocols
import EddyReactor

/// Why a multicast membership or setting was refused. The endpoint stays open.
public enum MulticastError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The address is not a multicast group (IPv4 `224.0.0.0/4`, IPv6 `ff00::/8`).
  case notMulticast(SocketAddress)
  /// The group is not of the endpoint's address family (an IPv6 group on an IPv4 endpoint, or
  /// the reverse).
  case familyMismatch(group: SocketAddress)
  /// The endpoint is a Unix-domain socket, which has no multicast.
  case notIP
  /// An interface named by address must be an IPv4 address on an IPv4 endpoint; an IPv6
  /// endpoint names its interface by index.
  case unusableInterface(MulticastInterface)
  /// No network interface has this name.
  case noSuchInterface(String)
  /// A hop limit outside `0...255`.
  case invalidHopLimit(Int)
  /// The system refused the option: for example `EADDRINUSE` for a group already joined on
  /// that interface, `EADDRNOTAVAIL` for leaving a group not joined, `ENODEV` for an unknown
  /// interface, or `EBADF` once the endpoint closed.
  case system(SystemError)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .notMulticast(let address): "\(address.host) is not a multicast group"
    case .familyMismatch(let group): "the group \(group.host) is not of the endpoint's address family"
    case .notIP: "a Unix-domain socket has no multicast"
    case .unusableInterface(let interface):
      "\(interface) cannot name the interface here: an address must be IPv4, on an IPv4 endpoint"
    case .noSuchInterface(let name): "no network interface is named \(name)"
    case .invalidHopLimit(let limit): "the multicast hop limit \(limit) is outside 0...255"
    case .system(let error): "multicast: \(error)"
    }
  }
}
