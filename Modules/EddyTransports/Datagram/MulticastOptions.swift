/// The multicast settings a datagram endpoint is created with (``DatagramOptions/multicast``);
/// the same can be changed later on the transport (``DatagramSocketTransport/joinGroup(_:interface:)``
/// and the methods beside it). Every nil keeps the system's default.
public struct MulticastOptions: Sendable, Hashable {
  /// The groups joined when the endpoint is created.
  public var groups: [MulticastGroup]
  /// How many routers a sent multicast datagram may cross (`IP_MULTICAST_TTL`,
  /// `IPV6_MULTICAST_HOPS`), `0...255`; nil keeps the system's 1, the local link only.
  public var hopLimit: Int?
  /// Whether datagrams sent to a group this host has joined are also delivered to its own
  /// members (`IP_MULTICAST_LOOP`, `IPV6_MULTICAST_LOOP`); nil keeps the system's default, on.
  public var loopback: Bool?
  /// The interface sent multicast datagrams leave by (`IP_MULTICAST_IF`, `IPV6_MULTICAST_IF`);
  /// nil lets the routing table choose.
  public var interface: MulticastInterface?

  /// Creates multicast settings; by default no group is joined and the system's defaults hold.
  public init(
    groups: [MulticastGroup] = [], hopLimit: Int? = nil, loopback: Bool? = nil,
    interface: MulticastInterface? = nil
  ) {
    self.groups = groups
    self.hopLimit = hopLimit
    self.loopback = loopback
    self.interface = interface
  }

  /// Applies the settings to `fd`, a socket of `family`: the sending settings, then the groups.
  func apply(to fd: Int32, family: Int32) throws(MulticastError) {
    if let interface { try MulticastSocket.setInterface(interface, fd: fd, family: family) }
    if let hopLimit { try MulticastSocket.setHopLimit(hopLimit, fd: fd, family: family) }
    if let loopback { try MulticastSocket.setLoopback(loopback, fd: fd, family: family) }
    for group in groups {
      try MulticastSocket.changeMembership(
        .join, group.address, interface: group.interface, fd: fd, family: family)
    }
  }
}
