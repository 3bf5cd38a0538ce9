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

/// Connections that fail, and how the failure is reported.
@Suite struct FailureTests {
  /// A port nothing listens on: bound by a server that is closed again.
  func closedPort(on loop: EventLoop) async throws -> SocketAddress {
    let server = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
    server.close()
    await server.waitClosed()
    return server.addresses[0]
  }

  @Test func connectingToAClosedPortIsRefused() async throws {
    try await withLoop { loop in
      let address = try await closedPort(on: loop)
      let made = ProbeLog()
      await #expect(throws: ConnectError.refused(address: address.description, errno: ECONNREFUSED)) {
        try await connect(loop, to: address) { Probe(log: made) }
      }
      #expect(made.events.isEmpty)
    }
  }

  @Test func aMissingUnixSocketPathFailsWithENOENT() async throws {
    try await withLoop { loop in
      await #expect(throws: ConnectError.system(SystemError("connect", errno: ENOENT))) {
        try await connect(loop, to: .unix(path: "/nonexistent/dir/eddy.sock")) { Echo() }
      }
    }
  }

  @Test func namesAreResolvedOffTheLoop() async throws {
    try await withLoop { loop in
      let server = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      defer { server.close() }
      let log = ProbeLog()
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        loop.execute {
          loop.createConnection(host: "localhost", port: server.port!, protocolFactory: { Probe(log: log) }) {
            continuation.resume(with: $0.map { _ in () }.mapError { $0 })
          }
        }
      }
      #expect(log.events == [.made])
    }
  }

  @Test func aPeerResetEndsTheConnectionWithTheError() async throws {
    try await withLoop { loop in
      let serverLog = ProbeLog()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) { Probe(log: serverLog) }
      defer { server.close() }
      try await connect(loop, to: server.addresses[0]) {
        let probe = Probe(log: ProbeLog())
        probe.onMade = { probe in
          probe.transport!.write("then reset")
          // SO_LINGER with a zero timeout turns close into a reset (RST).
          var linger = linger(l_onoff: 1, l_linger: 0)
          setsockopt(
            probe.transport!.fileDescriptor!, SOL_SOCKET, SO_LINGER, &linger,
            socklen_t(MemoryLayout<linger>.size))
          EventLoop.current!.callLater(after: .milliseconds(20)) { probe.transport?.abort() }
        }
        return probe
      }
      #expect(await eventually { serverLog.isLost })
      #expect(serverLog.lifecycle == [.made, .lost(ECONNRESET)])
      #expect(serverLog.bytes == Array("then reset".utf8))
    }
  }

  @Test func aConnectThatNeverCompletesTimesOut() async throws {
    // A listener that never accepts, with a full backlog: further SYNs go unanswered.
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
    _ = address.withSockAddr { bind(fd, $0, $1) }
    #expect(listen(fd, 0) == 0)
    var storage = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    address = .ipv4(storage)
    try await withLoop { loop in
      var timedOut = 0
      for _ in 0..<8 where timedOut == 0 {
        do {
          try await connect(loop, to: address, options: ConnectOptions(timeout: .milliseconds(300))) {
            Echo()
          }
        } catch ConnectError.timedOut {
          timedOut += 1
        }
      }
      #expect(timedOut == 1)
    }
  }

  @Test func aThousandConcurrentConnectionsEchoAndCloseCleanly() async throws {
    raiseDescriptorLimit(to: 8192)
    let serverGroup = try EventLoopGroup(loops: 2, name: "server")
    defer { serverGroup.shutdown() }
    let server = try serverGroup.createServer(host: "127.0.0.1", port: 0) { Echo() }
    try await withLoop { loop in
      let count = 1000
      let logs = (0..<count).map { _ in ProbeLog() }
      for log in logs {
        try await connect(loop, to: server.addresses[0]) {
          let probe = Probe(log: log)
          probe.onMade = { $0.transport!.write(ByteBuffer(bytes: [UInt8](repeating: 5, count: 100))) }
          probe.onData = { probe, _ in if log.byteCount == 100 { probe.transport!.close() } }
          return probe
        }
      }
      #expect(await eventually(within: 30) { logs.allSatisfy { $0.isLost } })
      #expect(logs.allSatisfy { $0.byteCount == 100 && $0.lifecycle == [.made, .lost(nil)] })
      #expect(await eventually { server.connectionCount == 0 })
    }
    server.close()
    await server.waitClosed()
  }

  @Test func closingAServerStopsAcceptingAndWaitClosedWaitsForItsConnections() async throws {
    try await withLoop { loop in
      let server = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      let clientLog = ProbeLog()
      try await connect(loop, to: server.addresses[0]) { Probe(log: clientLog) }
      #expect(await eventually { server.connectionCount == 1 })
      server.close()
      let address = server.addresses[0]
      await #expect(throws: ConnectError.self) { try await connect(loop, to: address) { Echo() } }
      server.closeClients()
      await server.waitClosed()
      #expect(server.connectionCount == 0)
      #expect(await eventually { clientLog.isLost })
      #expect(clientLog.lifecycle == [.made, .eof, .lost(nil)])
    }
  }

  @Test func bindingABusyPortFailsWithItsAddress() async throws {
    try await withLoop { loop in
      let first = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      defer { first.close() }
      let port = first.port!
      #expect(throws: ListenError.self) {
        try loop.createServer(host: "127.0.0.1", port: port, options: ServerOptions(reuseAddress: false)) {
          Echo()
        }
      }
    }
  }
}
