import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Multicast on a UDP endpoint, IPv4 or IPv6: groups joined and left while it is open, and how
/// its own multicast datagrams are sent. To receive a group's datagrams, bind the endpoint to
/// the port they are sent to (on the wildcard address or the group's) and join the group; to
/// send to a group, send to its address and port. The settings can also be given when the
/// endpoint is created, with ``DatagramOptions/multicast``. Call from the loop's thread.
///
/// Every method throws ``MulticastError``: `.notIP` on a Unix-domain endpoint and
/// `.system` with `EBADF` once the endpoint closed; the endpoint stays open whatever it throws.
extension DatagramSocketTransport {
  /// Joins `group` on `interface` (nil: the interface the routing table gives for the group),
  /// so that its datagrams to the bound port arrive here. Memberships end when the endpoint closes.
  ///
  /// - Throws: ``MulticastError/notMulticast(_:)``, ``MulticastError/familyMismatch(group:)``,
  ///   ``MulticastError/unusableInterface(_:)``, or `.system` (`EADDRINUSE`: already joined on
  ///   that interface; `ENODEV`: no such interface).
  public func joinGroup(_ group: SocketAddress, interface: MulticastInterface? = nil) throws(MulticastError) {
    loop.assertInLoopThread()
    let (fd, family) = try openSocket("setsockopt")
    try MulticastSocket.changeMembership(.join, group, interface: interface, fd: fd, family: family)
  }

  /// Leaves `group` on `interface`, as it was joined.
  ///
  /// - Throws: as ``joinGroup(_:interface:)``; `.system` with `EADDRNOTAVAIL` when the group
  ///   was not joined there.
  public func leaveGroup(_ group: SocketAddress, interface: MulticastInterface? = nil) throws(MulticastError)
  {
    loop.assertInLoopThread()
    let (fd, family) = try openSocket("setsockopt")
    try MulticastSocket.changeMembership(.leave, group, interface: interface, fd: fd, family: family)
  }

  /// Sets how many routers the multicast datagrams this endpoint sends may cross
  /// (`IP_MULTICAST_TTL`, `IPV6_MULTICAST_HOPS`): 0 keeps them on this host, the system's
  /// default 1 on the local link.
  ///
  /// - Throws: ``MulticastError/invalidHopLimit(_:)`` outside `0...255`.
  public func setMulticastHopLimit(_ limit: Int) throws(MulticastError) {
    loop.assertInLoopThread()
    let (fd, family) = try openSocket("setsockopt")
    try MulticastSocket.setHopLimit(limit, fd: fd, family: family)
  }

  /// The hop limit of the multicast datagrams this endpoint sends, as the system reports it.
  public func multicastHopLimit() throws(MulticastError) -> Int {
    loop.assertInLoopThread()
    let (fd, family) = try openSocket("getsockopt")
    return try MulticastSocket.hopLimit(fd: fd, family: family)
  }

  /// Turns on or off the delivery of this endpoint's multicast datagrams to the members of the
  /// group on this host, this endpoint included (`IP_MULTICAST_LOOP`, `IPV6_MULTICAST_LOOP`; on
  /// by default). Members elsewhere receive them either way. Datagrams sent by the loopback
  /// interface itself reach local members however this is set: it is the interface that
  /// loops them back.
  public func setMulticastLoopback(_ on: Bool) throws(MulticastError) {
    loop.assertInLoopThread()
    let (fd, family) = try openSocket("setsockopt")
    try MulticastSocket.setLoopback(on, fd: fd, family: family)
  }

  /// Whether this endpoint's multicast datagrams are delivered to the group's members on this host.
  public func multicastLoopback() throws(MulticastError) -> Bool {
    loop.assertInLoopThread()
    let (fd, family) = try openSocket("getsockopt")
    return try MulticastSocket.loopback(fd: fd, family: family)
  }

  /// Makes the multicast datagrams this endpoint sends leave by `interface`
  /// (`IP_MULTICAST_IF`, `IPV6_MULTICAST_IF`); nil lets the routing table choose again.
  ///
  /// - Throws: ``MulticastError/unusableInterface(_:)``, or `.system` (`ENODEV`, or
  ///   `EADDRNOTAVAIL` for an address no interface holds).
  public func setMulticastInterface(_ interface: MulticastInterface?) throws(MulticastError) {
    loop.assertInLoopThread()
    let (fd, family) = try openSocket("setsockopt")
    try MulticastSocket.setInterface(interface, fd: fd, family: family)
  }

  /// The open socket and its address family; `EBADF` from `operation` once it closed.
  private func openSocket(_ operation: String) throws(MulticastError) -> (fd: Int32, family: Int32) {
    guard let fd = fileDescriptor, let family = localAddress?.family else {
      throw .system(SystemError(operation, errno: EBADF))
    }
    return (fd, family)
  }
}
