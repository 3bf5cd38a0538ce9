import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Multicast on datagram endpoints: groups joined and left, hop limit, loopback and the outgoing
/// interface.
///
/// IPv4 groups are received on the host's loopback interface as it is. Two things need an
/// interface that is not loopback, so those tests run in a network namespace of their own with a
/// veth pair: multicast loopback (a datagram sent by `lo` comes back into `lo`, so
/// `IP_MULTICAST_LOOP` changes nothing there), and IPv6 multicast (Linux routes no IPv6
/// multicast through `lo`: `ENETUNREACH`, and nothing is delivered even with the MULTICAST flag
/// and an `ff00::/8` route added).
@Suite(.serialized) struct MulticastTests {
  private static let group = try! SocketAddress(ipAddress: "239.255.77.1", port: 0)
  private static let loopbackAddress = try! SocketAddress(ipAddress: "127.0.0.1", port: 0)

  private static func address(_ host: String, port: Int) -> SocketAddress {
    try! SocketAddress(ipAddress: host, port: port)
  }

  private static func texts(_ log: DatagramLog) -> [String] {
    log.payloads.map { String(decoding: $0, as: UTF8.self) }
  }

  /// Sends `text` to the group, then `marker` straight to the receiver, and waits for the marker:
  /// a datagram of the group that is coming has come by then (both cross the same queues in order);
  /// a short grace covers the rest.
  private static func sendToGroup(
    _ text: String, then marker: String, from endpoints: LoopBound<Endpoints>, group: SocketAddress,
    receiver: SocketAddress, log: DatagramLog
  ) async throws {
    try await endpoints.loop.submit {
      endpoints.value.sender.send(ByteBuffer(string: text), to: group)
      endpoints.value.sender.send(ByteBuffer(string: marker), to: receiver)
    }
    #expect(
      await eventually(within: 5) { texts(log).contains(marker) }, "the marker \(marker) did not arrive")
    try await Task.sleep(for: .milliseconds(100))
  }

  /// A test's receiving and sending endpoints.
  struct Endpoints {
    let receiver: DatagramSocketTransport
    let sender: DatagramSocketTransport
  }

  @Test func anIPv4GroupOnLoopbackIsReceivedUntilLeft() async throws {
    try await withLoop { loop in
      let log = DatagramLog()
      let senderLog = DatagramLog()
      let lo = MulticastInterface.address(Self.loopbackAddress)
      let (endpoints, port) = try await loop.submit {
        let receiver = try loop.createDatagramEndpoint(
          local: Self.address("0.0.0.0", port: 0),
          options: DatagramOptions(
            multicast: MulticastOptions(groups: [MulticastGroup(Self.group, interface: lo)]))
        ) { DatagramProbe(log: log) }
        // Bound to the wildcard address, so that only the interface set below sends by `lo`
        // (bound to 127.0.0.1, Linux would send by the interface holding it).
        let sender = try loop.createDatagramEndpoint(local: Self.address("0.0.0.0", port: 0)) {
          DatagramProbe(log: senderLog)
        }
        try sender.setMulticastInterface(lo)
        return (
          LoopBound(Endpoints(receiver: receiver, sender: sender), loop: loop), receiver.localAddress!.port!
        )
      }
      let group = Self.address("239.255.77.1", port: port)
      let direct = Self.address("127.0.0.1", port: port)
      try await loop.submit { endpoints.value.sender.send("joined", to: group) }
      #expect(await eventually(within: 5) { Self.texts(log) == ["joined"] }, "\(Self.texts(log))")

      try await loop.submit { try endpoints.value.receiver.leaveGroup(Self.group, interface: lo) }
      try await Self.sendToGroup(
        "left", then: "marker", from: endpoints, group: group, receiver: direct, log: log)
      #expect(Self.texts(log) == ["joined", "marker"])

      // Joined again, the interface named by its index; `lo` loops its datagrams back to its
      // own members even with multicast loopback off.
      try await loop.submit {
        try endpoints.value.receiver.joinGroup(Self.group, interface: MulticastInterface(named: "lo"))
        try endpoints.value.sender.setMulticastLoopback(false)
        endpoints.value.sender.send("joined again", to: group)
      }
      #expect(await eventually(within: 5) { Self.texts(log).count == 3 })
      #expect(Self.texts(log) == ["joined", "marker", "joined again"])
      #expect(senderLog.errors.isEmpty && log.errors.isEmpty, "\(senderLog.errors) \(log.errors)")
    }
  }

  /// What `body` threw; nil when it succeeded.
  private static func refusal<Failure: Error>(_ body: () throws(Failure) -> Void) -> Failure? {
    do {
      try body()
      return nil
    } catch {
      return error
    }
  }

  @Test(arguments: ["127.0.0.1", "::1"])
  func hopLimitAndLoopbackAreSetAndReadBack(host: String) async throws {
    let (level, ttl, loopback) =
      host == "::1"
      ? (Int32(IPPROTO_IPV6), IPV6_MULTICAST_HOPS, IPV6_MULTICAST_LOOP)
      : (Int32(IPPROTO_IP), IP_MULTICAST_TTL, IP_MULTICAST_LOOP)
    try await withLoop { loop in
      let (defaults, set, refused, configured) = try await loop.submit {
        let plain = try loop.createDatagramEndpoint(local: Self.address(host, port: 0)) {
          DatagramProbe(log: DatagramLog())
        }
        let defaults = (try plain.multicastHopLimit(), try plain.multicastLoopback())
        try plain.setMulticastHopLimit(7)
        try plain.setMulticastLoopback(false)
        let set = [
          try plain.multicastHopLimit(), Int(try plain.getOption(level: level, name: ttl)),
          try plain.multicastLoopback() ? 1 : 0, Int(try plain.getOption(level: level, name: loopback)),
        ]
        let refused = [
          Self.refusal { () throws(MulticastError) in try plain.setMulticastHopLimit(256) },
          Self.refusal { () throws(MulticastError) in try plain.setMulticastHopLimit(-1) },
        ]
        let created = try loop.createDatagramEndpoint(
          local: Self.address(host, port: 0),
          options: DatagramOptions(multicast: MulticastOptions(hopLimit: 32, loopback: false))
        ) { DatagramProbe(log: DatagramLog()) }
        let configured = [
          try created.getOption(level: level, name: ttl), try created.getOption(level: level, name: loopback),
        ]
        return (defaults, set + [try plain.multicastHopLimit()], refused, configured)
      }
      #expect(defaults == (1, true), "the system's defaults")
      #expect(set == [7, 7, 0, 0, 7])
      #expect(refused == [.invalidHopLimit(256), .invalidHopLimit(-1)])
      #expect(configured == [32, 0])
    }
  }

  @Test func whatCannotBeDoneIsATypedError() async throws {
    let v6Group = Self.address("ff02::4d43", port: 0)
    let lo = MulticastInterface.address(Self.loopbackAddress)
    let unixAddress = try SocketAddress(unixPath: "/tmp/eddy-mcast-\(getpid()).sock")
    try await withLoop { loop in
      let (refusals, creations, stayedOpen) = try await loop.submit {
        let v4 = try loop.createDatagramEndpoint(local: Self.loopbackAddress) {
          DatagramProbe(log: DatagramLog())
        }
        let v6 = try loop.createDatagramEndpoint(local: Self.address("::1", port: 0)) {
          DatagramProbe(log: DatagramLog())
        }
        let unix = try loop.createDatagramEndpoint(local: unixAddress) {
          DatagramProbe(log: DatagramLog())
        }
        var refusals = [
          Self.refusal { () throws(MulticastError) in try v4.joinGroup(Self.loopbackAddress) },
          Self.refusal { () throws(MulticastError) in try v4.joinGroup(v6Group) },
          Self.refusal { () throws(MulticastError) in try v6.joinGroup(Self.group) },
          Self.refusal { () throws(MulticastError) in try v6.joinGroup(v6Group, interface: lo) },
          Self.refusal { () throws(MulticastError) in try v6.setMulticastInterface(lo) },
          Self.refusal { () throws(MulticastError) in _ = try MulticastInterface(named: "eddy-none0") },
          Self.refusal { () throws(MulticastError) in try v4.joinGroup(Self.group, interface: .index(999_999))
          },
          Self.refusal { () throws(MulticastError) in try v4.joinGroup(Self.group, interface: lo) },
          Self.refusal { () throws(MulticastError) in try v4.joinGroup(Self.group, interface: lo) },
          Self.refusal { () throws(MulticastError) in try v4.leaveGroup(Self.group, interface: lo) },
          Self.refusal { () throws(MulticastError) in try v4.leaveGroup(Self.group, interface: lo) },
          Self.refusal { () throws(MulticastError) in try unix.setMulticastLoopback(false) },
        ]
        let stayedOpen = !v4.isClosing && !v6.isClosing && !unix.isClosing
        unix.abort()
        let creations = [
          Self.refusal { () throws(DatagramEndpointError) in
            _ = try loop.createDatagramEndpoint(
              local: unixAddress, options: DatagramOptions(multicast: MulticastOptions(hopLimit: 1))
            ) { DatagramProbe(log: DatagramLog()) }
          },
          Self.refusal { () throws(DatagramEndpointError) in
            _ = try loop.createDatagramEndpoint(
              local: Self.loopbackAddress,
              options: DatagramOptions(
                multicast: MulticastOptions(groups: [MulticastGroup(Self.loopbackAddress)]))
            ) { DatagramProbe(log: DatagramLog()) }
          },
        ]
        v4.abort()
        refusals += [
          Self.refusal { () throws(MulticastError) in try v4.joinGroup(Self.group) },
          Self.refusal { () throws(MulticastError) in _ = try v4.multicastHopLimit() },
        ]
        return (refusals, creations, stayedOpen)
      }
      #expect(
        refusals == [
          .notMulticast(Self.loopbackAddress),
          .familyMismatch(group: v6Group),
          .familyMismatch(group: Self.group),
          .unusableInterface(lo),
          .unusableInterface(lo),
          .noSuchInterface("eddy-none0"),
          .system(SystemError("setsockopt", errno: ENODEV)),
          nil,
          .system(SystemError("setsockopt", errno: EADDRINUSE)),
          nil,
          .system(SystemError("setsockopt", errno: EADDRNOTAVAIL)),
          .notIP,
          .system(SystemError("setsockopt", errno: EBADF)),
          .system(SystemError("getsockopt", errno: EBADF)),
        ])
      #expect(creations == [.multicast(.notIP), .multicast(.notMulticast(Self.loopbackAddress))])
      #expect(stayedOpen)
    }
  }

  /// A host and a group of one family, on the veth end `eddy0` of ``NetworkNamespace``'s setup.
  struct Family: Sendable, CustomTestStringConvertible {
    let host: String
    let wildcard: String
    let group: String
    var testDescription: String { host }
  }

  private static let namespaceSetup = """
    ip link set lo up
    ip link add eddy0 type veth peer name eddy1
    ip link set eddy0 up
    ip link set eddy1 up
    ip address add 10.77.0.1/24 dev eddy0
    ip -6 address add fd77::1/64 dev eddy0 nodad
    """

  @Test(
    .enabled(if: geteuid() == 0, "a network namespace needs root"),
    arguments: [
      Family(host: "10.77.0.1", wildcard: "0.0.0.0", group: "239.255.77.2"),
      Family(host: "fd77::1", wildcard: "::", group: "ff02::4d43"),
    ])
  func loopbackOffKeepsTheSendersDatagramsFromThisHostsMembers(family: Family) async throws {
    try await withLoop { loop in
      try await NetworkNamespace.enter(on: loop, setUp: Self.namespaceSetup)
      let log = DatagramLog()
      let senderLog = DatagramLog()
      let groupAddress = Self.address(family.group, port: 0)
      let (endpoints, port) = try await loop.submit {
        let veth = try MulticastInterface(named: "eddy0")
        let receiver = try loop.createDatagramEndpoint(local: Self.address(family.wildcard, port: 0)) {
          DatagramProbe(log: log)
        }
        try receiver.joinGroup(groupAddress, interface: veth)
        // The namespace has no route for the group: only the interface given sends it.
        let sender = try loop.createDatagramEndpoint(
          local: Self.address(family.wildcard, port: 0),
          options: DatagramOptions(multicast: MulticastOptions(hopLimit: 1, interface: veth))
        ) { DatagramProbe(log: senderLog) }
        return (
          LoopBound(Endpoints(receiver: receiver, sender: sender), loop: loop), receiver.localAddress!.port!
        )
      }
      let group = Self.address(family.group, port: port)
      let direct = Self.address(family.host, port: port)
      try await Self.sendToGroup(
        "looped", then: "first marker", from: endpoints, group: group, receiver: direct, log: log)
      #expect(Self.texts(log) == ["looped", "first marker"])

      try await loop.submit { try endpoints.value.sender.setMulticastLoopback(false) }
      try await Self.sendToGroup(
        "not looped", then: "second marker", from: endpoints, group: group, receiver: direct, log: log)
      #expect(Self.texts(log) == ["looped", "first marker", "second marker"])
      #expect(senderLog.errors.isEmpty && log.errors.isEmpty, "\(senderLog.errors) \(log.errors)")
    }
  }
}
