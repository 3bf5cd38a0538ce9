import EddyProtocols

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The network interface a multicast membership is made on, or that multicast datagrams leave
/// by. Without one the system chooses by its routing table.
public enum MulticastInterface: Sendable, Hashable, CustomStringConvertible {
  /// The interface with this index (see `if_nametoindex(3)`), for IPv4 and IPv6 endpoints.
  case index(UInt32)
  /// The interface holding this IPv4 address (its port is ignored), for IPv4 endpoints only.
  case address(SocketAddress)

  /// The interface named `name`, such as `lo` or `eth0`, by its index.
  ///
  /// - Throws: ``MulticastError/noSuchInterface(_:)`` when no interface has that name.
  public init(named name: String) throws(MulticastError) {
    let index = if_nametoindex(name)
    guard index != 0 else { throw .noSuchInterface(name) }
    self = .index(index)
  }

  /// `interface N`, or the interface's address.
  public var description: String {
    switch self {
    case .index(let index): "interface \(index)"
    case .address(let address): "interface \(address.host)"
    }
  }
}
