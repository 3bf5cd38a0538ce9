import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads socket options of its connection's socket when the connection is made.
final class OptionReader: StreamProtocol {
  typealias Reading = (name: String, level: Int32, option: Int32)
  let readings: [Reading]
  let values: Locked<[String: Int32]>
  let linger: Locked<(Int32, Int32)?>

  init(_ readings: [Reading], into values: Locked<[String: Int32]>, linger: Locked<(Int32, Int32)?>) {
    self.readings = readings
    self.values = values
    self.linger = linger
  }

  func connectionMade(_ transport: any StreamTransport) {
    guard let socket = transport as? SocketStreamTransport, let fd = socket.fileDescriptor else { return }
    for reading in readings {
      if let value = try? socket.getOption(level: reading.level, name: reading.option) {
        values.withLock { $0[reading.name] = value }
      }
    }
    var value = SystemLinger()
    var length = socklen_t(MemoryLayout<SystemLinger>.size)
    if getsockopt(fd, SOL_SOCKET, SO_LINGER, &value, &length) == 0 {
      linger.withLock { $0 = (value.l_onoff, value.l_linger) }
    }
  }
}

typealias SystemLinger = linger

/// Every typed socket option reaches the socket, read back with getsockopt: on a client, on every
/// connection a server accepts, and on a datagram endpoint.
@Suite struct SocketOptionTests {
  static let options: [SocketOption] = [
    .keepAlive(.init(idle: .seconds(30), interval: .seconds(5), count: 4)),
    .receiveBufferSize(65_536), .sendBufferSize(131_072), .linger(.seconds(3)),
    .userTimeout(.milliseconds(7_500)), .trafficClass(0x10),
    .raw(level: SOL_SOCKET, name: SO_PRIORITY, value: 3),
  ]

  static let readings: [OptionReader.Reading] = [
    ("keepalive", SOL_SOCKET, SO_KEEPALIVE), ("idle", Int32(IPPROTO_TCP), TCP_KEEPIDLE),
    ("interval", Int32(IPPROTO_TCP), TCP_KEEPINTVL), ("count", Int32(IPPROTO_TCP), TCP_KEEPCNT),
    ("rcvbuf", SOL_SOCKET, SO_RCVBUF), ("sndbuf", SOL_SOCKET, SO_SNDBUF),
    ("usertimeout", Int32(IPPROTO_TCP), Int32(TCP_USER_TIMEOUT)), ("tos", Int32(IPPROTO_IP), IP_TOS),
    ("priority", SOL_SOCKET, SO_PRIORITY), ("nodelay", Int32(IPPROTO_TCP), TCP_NODELAY),
  ]

  private func expectOptions(_ values: [String: Int32], _ linger: (Int32, Int32)?) {
    #expect(
      values["keepalive"] == 1 && values["idle"] == 30 && values["interval"] == 5 && values["count"] == 4)
    // Linux reports twice the size asked for (the other half is its bookkeeping).
    #expect(values["rcvbuf"] == 2 * 65_536 && values["sndbuf"] == 2 * 131_072, "\(values)")
    #expect(values["usertimeout"] == 7_500 && values["tos"] == 0x10 && values["priority"] == 3, "\(values)")
    #expect(values["nodelay"] == 1, "TCP_NODELAY stays on by default")
    #expect(linger.map { [$0.0, $0.1] } == [1, 3])
  }

  @Test func aClientsOptionsReachItsSocket() async throws {
    let values = Locked<[String: Int32]>([:])
    let linger = Locked<(Int32, Int32)?>(nil)
    try await withLoop { loop in
      let server = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      defer { server.close() }
      try await connect(loop, to: server.addresses[0], options: ConnectOptions(socketOptions: Self.options)) {
        OptionReader(Self.readings, into: values, linger: linger)
      }
      #expect(await eventually { values.withLock { $0.count } == Self.readings.count })
    }
    expectOptions(values.withLock { $0 }, linger.withLock { $0 })
  }

  @Test func aServerSetsItsOptionsOnEveryAcceptedConnection() async throws {
    let values = Locked<[String: Int32]>([:])
    let linger = Locked<(Int32, Int32)?>(nil)
    try await withLoop { loop in
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, options: ServerOptions(socketOptions: Self.options)
      ) { OptionReader(Self.readings, into: values, linger: linger) }
      defer { server.close() }
      let client = try #require(RawSocket(connectingTo: server.addresses[0]))
      #expect(await eventually { values.withLock { $0.count } == Self.readings.count })
      _ = client
    }
    expectOptions(values.withLock { $0 }, linger.withLock { $0 })
  }

  @Test func theTrafficClassUsesTheIPv6OptionOnIPv6() async throws {
    let values = Locked<[String: Int32]>([:])
    let linger = Locked<(Int32, Int32)?>(nil)
    try await withLoop { loop in
      let server = try loop.createServer(host: "::1", port: 0) { Echo() }
      defer { server.close() }
      try await connect(
        loop, to: server.addresses[0], options: ConnectOptions(socketOptions: [.trafficClass(0x28)])
      ) {
        OptionReader([("tclass", Int32(IPPROTO_IPV6), IPV6_TCLASS)], into: values, linger: linger)
      }
      #expect(await eventually { values.withLock { $0["tclass"] } != nil })
    }
    #expect(values.withLock { $0["tclass"] } == 0x28)
  }

  @Test func lingerZeroMakesCloseResetTheConnection() async throws {
    try await withLoop { loop in
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, options: ServerOptions(socketOptions: [.linger(.zero)])
      ) {
        let probe = Probe(log: ProbeLog())
        // Close as soon as the connection is made: with linger zero that is a reset.
        probe.onMade = { $0.transport?.close() }
        return probe
      }
      defer { server.close() }
      let client = try #require(RawSocket(connectingTo: server.addresses[0]))
      #expect(client.receive() == nil && errno == ECONNRESET, "errno \(errno)")
    }
  }

  @Test func optionsCanBeSetOnALiveConnectionAndOnADatagramEndpoint() async throws {
    try await withLoop { loop in
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        let probe = Probe(log: ProbeLog())
        probe.onMade = { probe in
          let socket = probe.transport as! SocketStreamTransport
          try? socket.setOption(.noDelay(false))
          try? socket.setOption(.keepAlive(nil))
          let nodelay = try? socket.getOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY)
          probe.transport?.write(ByteBuffer(string: nodelay == 0 ? "off" : "on"))
        }
        return probe
      }
      defer { server.close() }
      let client = try #require(RawSocket(connectingTo: server.addresses[0]))
      #expect(client.receive() == Array("off".utf8))
      let endpoint = try await withCheckedThrowingContinuation { continuation in
        loop.execute {
          continuation.resume(
            with: Result {
              let endpoint = try loop.createDatagramEndpoint(
                local: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
                options: DatagramOptions(socketOptions: [.trafficClass(0x20), .receiveBufferSize(32_768)])
              ) { DatagramEcho() }
              return (
                try endpoint.getOption(level: Int32(IPPROTO_IP), name: IP_TOS),
                try endpoint.getOption(level: SOL_SOCKET, name: SO_RCVBUF)
              )
            })
        }
      }
      #expect(endpoint.0 == 0x20 && endpoint.1 == 2 * 32_768)
    }
  }
}
