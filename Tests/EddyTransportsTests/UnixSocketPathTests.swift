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

/// Unix-domain listening sockets: a live path is never taken over, a stale socket file is
/// replaced, a server removes only its own file, and Linux abstract names interoperate.
@Suite(.serialized) struct UnixSocketPathTests {
  private func path(_ name: String) -> String { "/tmp/eddy-unix-\(name)-\(getpid()).sock" }

  private func echoes(_ address: SocketAddress) -> Bool {
    guard let socket = RawSocket(connectingTo: address), socket.send(Array("ping".utf8)) else { return false }
    return socket.receive() == Array("ping".utf8)
  }

  private func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  @Test func aLivePathIsNeverTakenOver() async throws {
    let path = path("live")
    try await withLoop { loop in
      let first = try loop.createUnixServer(path: path) { Echo() }
      defer { first.close() }
      #expect {
        _ = try loop.createUnixServer(path: path) { Echo() }
      } throws: { error in
        guard case .bindFailed(_, let cause)? = error as? ListenError else { return false }
        return cause.errno == EADDRINUSE
      }
      #expect(echoes(try SocketAddress(unixPath: path)), "the first server must still answer on its path")
    }
    #expect(await eventually { !exists(path) })
  }

  @Test func aStaleSocketFileIsReplaced() async throws {
    let path = path("stale")
    // A socket file whose socket is gone, as a process that died leaves it.
    let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    let bound = try SocketAddress(unixPath: path).withSockAddr { bind(stale, $0, $1) }
    #expect(bound == 0)
    close(stale)
    #expect(exists(path))
    try await withLoop { loop in
      let server = try loop.createUnixServer(path: path) { Echo() }
      defer { server.close() }
      #expect(echoes(try SocketAddress(unixPath: path)))
    }
  }

  @Test func aServerRemovesOnlyItsOwnSocketFile() async throws {
    let path = path("own")
    try await withLoop { loop in
      let first = try loop.createUnixServer(path: path) { Echo() }
      // Someone removes the first server's file and a second server binds the same path.
      unlink(path)
      let second = try loop.createUnixServer(path: path) { Echo() }
      first.close()
      await first.waitClosed()
      #expect(exists(path), "closing the first server must not remove the second's socket file")
      #expect(echoes(try SocketAddress(unixPath: path)))
      second.close()
      await second.waitClosed()
      #expect(!exists(path), "the second server removes its own file")
    }
  }

  @Test func anAbstractNameTakesNoFileAndTalksToPython() async throws {
    let name = "eddy-abstract-\(getpid())"
    try await withLoop { loop in
      let server = try loop.createUnixServer(path: "\0" + name) { Echo() }
      defer { server.close() }
      #expect(server.addresses.first?.description == "unix:@\(name)")
      #expect(!exists(name) && !exists("@" + name))
      // Python addresses abstract names by their exact length, as the kernel compares them.
      let client = try ChildProcess(
        script: """
          exec python3 -c 'import socket,sys
          s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect("\\0" + sys.argv[1])
          s.sendall(b"ping"); print(s.recv(100).decode())' "$0"
          """, arguments: [name])
      #expect(await client.readLine() == "ping")
      #expect(await client.wait(seconds: 10) == 0)
      #expect(echoes(try SocketAddress(abstractUnixName: name)))
    }
  }

  @Test func aServerSeesItsUnixPeersCredentials() async throws {
    let seen = Locked<PeerCredentials?>(nil)
    let tcpSeen = Locked<Bool?>(nil)
    try await withLoop { loop in
      let server = try loop.createUnixServer(path: path("credentials")) {
        let probe = Probe(log: ProbeLog())
        probe.onMade = { probe in
          seen.withLock { $0 = (probe.transport as? SocketStreamTransport)?.peerCredentials }
        }
        return probe
      }
      defer { server.close() }
      let tcp = try loop.createServer(host: "127.0.0.1", port: 0) {
        let probe = Probe(log: ProbeLog())
        probe.onMade = { probe in
          tcpSeen.withLock { $0 = (probe.transport as? SocketStreamTransport)?.peerCredentials == nil }
        }
        return probe
      }
      defer { tcp.close() }
      let client = try #require(RawSocket(connectingTo: server.addresses[0]))
      let tcpClient = try #require(RawSocket(connectingTo: tcp.addresses[0]))
      #expect(await eventually { seen.withLock { $0 } != nil && tcpSeen.withLock { $0 } != nil })
      _ = (client, tcpClient)
    }
    // The client is this process.
    #expect(
      seen.withLock { $0 } == PeerCredentials(processID: getpid(), userID: geteuid(), groupID: getegid()))
    #expect(tcpSeen.withLock { $0 } == true, "TCP connections have no peer credentials")
  }

  @Test func abstractAddressesKeepTheirExactLength() throws {
    let address = try SocketAddress(abstractUnixName: "a\0b")
    let length = address.withSockAddr { _, length in Int(length) }
    #expect(length == 2 + 4)  // sun_family, then NUL "a" NUL "b"
    let decoded = address.withSockAddr { SocketAddress($0, length: $1) }
    #expect(decoded == address)
    #expect(throws: SocketAddress.InvalidAddress.self) { try SocketAddress(unixPath: "\0") }
  }
}
