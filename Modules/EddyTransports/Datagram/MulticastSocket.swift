import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The multicast socket options, checked and set on a socket of a given family: IPv4 with
/// `ip_mreqn` (a group on an interface named by address or by index), IPv6 with `ipv6_mreq` (by
/// index).
enum MulticastSocket {
  /// Joining or leaving a group.
  enum Membership {
    case join
    case leave
  }

  #if os(Linux)
    private static let joinIPv6 = IPV6_ADD_MEMBERSHIP
    private static let leaveIPv6 = IPV6_DROP_MEMBERSHIP
  #else
    private static let joinIPv6 = IPV6_JOIN_GROUP
    private static let leaveIPv6 = IPV6_LEAVE_GROUP
  #endif

  /// Joins or leaves `group` on `interface` (nil: the system's choice).
  static func changeMembership(
    _ membership: Membership, _ group: SocketAddress, interface: MulticastInterface?, fd: Int32, family: Int32
  ) throws(MulticastError) {
    try checkIP(family)
    switch group {
    case .ipv4(let address) where family == AF_INET:
      guard UInt32(bigEndian: address.sin_addr.s_addr) >> 28 == 0xE else { throw .notMulticast(group) }
      var request = try ipv4Request(interface)
      request.imr_multiaddr = address.sin_addr
      try set(fd, Int32(IPPROTO_IP), membership == .join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, request)
    case .ipv6(let address) where family == AF_INET6:
      guard withUnsafeBytes(of: address.sin6_addr, { $0[0] }) == 0xFF else { throw .notMulticast(group) }
      var request = ipv6_mreq()
      request.ipv6mr_multiaddr = address.sin6_addr
      request.ipv6mr_interface = try ipv6Index(interface)
      try set(fd, Int32(IPPROTO_IPV6), membership == .join ? joinIPv6 : leaveIPv6, request)
    case .ipv4, .ipv6:
      throw .familyMismatch(group: group)
    case .unix:
      throw .notMulticast(group)
    }
  }

  /// Makes sent multicast datagrams leave by `interface`; nil lets the routing table choose.
  static func setInterface(_ interface: MulticastInterface?, fd: Int32, family: Int32) throws(MulticastError)
  {
    try checkIP(family)
    if family == AF_INET {
      let request = try ipv4Request(interface)
      try set(fd, Int32(IPPROTO_IP), IP_MULTICAST_IF, request)
    } else {
      let index = try ipv6Index(interface)
      try set(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_IF, index)
    }
  }

  /// Sets the hop limit (TTL) of sent multicast datagrams.
  static func setHopLimit(_ limit: Int, fd: Int32, family: Int32) throws(MulticastError) {
    try checkIP(family)
    guard (0...255).contains(limit) else { throw .invalidHopLimit(limit) }
    try setInteger(Int32(limit), fd: fd, family: family, ipv4: IP_MULTICAST_TTL, ipv6: IPV6_MULTICAST_HOPS)
  }

  /// The hop limit (TTL) of sent multicast datagrams.
  static func hopLimit(fd: Int32, family: Int32) throws(MulticastError) -> Int {
    Int(try integer(fd: fd, family: family, ipv4: IP_MULTICAST_TTL, ipv6: IPV6_MULTICAST_HOPS))
  }

  /// Turns the delivery of sent multicast datagrams to this host's own members on or off.
  static func setLoopback(_ on: Bool, fd: Int32, family: Int32) throws(MulticastError) {
    try checkIP(family)
    try setInteger(on ? 1 : 0, fd: fd, family: family, ipv4: IP_MULTICAST_LOOP, ipv6: IPV6_MULTICAST_LOOP)
  }

  /// Whether sent multicast datagrams are delivered to this host's own members.
  static func loopback(fd: Int32, family: Int32) throws(MulticastError) -> Bool {
    try integer(fd: fd, family: family, ipv4: IP_MULTICAST_LOOP, ipv6: IPV6_MULTICAST_LOOP) != 0
  }

  private static func checkIP(_ family: Int32) throws(MulticastError) {
    guard family == AF_INET || family == AF_INET6 else { throw .notIP }
  }

  /// An IPv4 request naming `interface`, its group left for the caller.
  private static func ipv4Request(_ interface: MulticastInterface?) throws(MulticastError) -> ip_mreqn {
    var request = ip_mreqn()
    switch interface {
    case nil: break
    case .index(let index): request.imr_ifindex = Int32(bitPattern: index)
    case .address(.ipv4(let address)): request.imr_address = address.sin_addr
    case .address: throw .unusableInterface(interface!)
    }
    return request
  }

  /// The index of `interface` for an IPv6 request; 0 lets the system choose.
  private static func ipv6Index(_ interface: MulticastInterface?) throws(MulticastError) -> UInt32 {
    switch interface {
    case nil: 0
    case .index(let index): index
    case .address: throw .unusableInterface(interface!)
    }
  }

  private static func setInteger(_ value: Int32, fd: Int32, family: Int32, ipv4: Int32, ipv6: Int32)
    throws(MulticastError)
  {
    if family == AF_INET {
      try set(fd, Int32(IPPROTO_IP), ipv4, value)
    } else {
      try set(fd, Int32(IPPROTO_IPV6), ipv6, value)
    }
  }

  private static func integer(fd: Int32, family: Int32, ipv4: Int32, ipv6: Int32) throws(MulticastError)
    -> Int32
  {
    try checkIP(family)
    do {
      return family == AF_INET
        ? try SocketOption.value(of: fd, level: Int32(IPPROTO_IP), name: ipv4)
        : try SocketOption.value(of: fd, level: Int32(IPPROTO_IPV6), name: ipv6)
    } catch {
      throw .system(error)
    }
  }

  private static func set(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: some Any)
    throws(MulticastError)
  {
    let result = withUnsafeBytes(of: value) {
      setsockopt(fd, level, name, $0.baseAddress, socklen_t($0.count))
    }
    guard result == 0 else {
      throw .system(SystemError("setsockopt"))
    }
  }
}
