import EddyProtocols

/// A multicast group to join, and the interface to join it on.
public struct MulticastGroup: Sendable, Hashable {
  /// The group's address (IPv4 `224.0.0.0/4` or IPv6 `ff00::/8`); its port is ignored, since the
  /// port datagrams arrive on is the one the endpoint is bound to.
  public var address: SocketAddress
  /// The interface to receive the group's datagrams on; nil lets the system choose.
  public var interface: MulticastInterface?

  /// The group at `address`, on `interface` (nil: the system's choice).
  public init(_ address: SocketAddress, interface: MulticastInterface? = nil) {
    self.address = address
    self.interface = interface
  }
}
