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

/// Connecting to several addresses races them (RFC 8305): a dead first address costs the
/// attempt delay, not the connect timeout, and the loser is closed.
@Suite(.serialized) struct HappyEyeballsTests {
  private func connect(
    _ loop: EventLoop, to addresses: [SocketAddress], options: ConnectOptions
  ) async -> (Result<Int?, ConnectError>, Duration) {
    let start = ContinuousClock.now
    let result = await withCheckedContinuation {
      (continuation: CheckedContinuation<Result<Int?, ConnectError>, Never>) in
      loop.execute {
        loop.createConnection(to: addresses, options: options, protocolFactory: { Echo() }) { result in
          continuation.resume(returning: result.map { $0.peerAddress?.port })
        }
      }
    }
    return (result, ContinuousClock.now - start)
  }

  @Test func aSilentFirstAddressCostsTheAttemptDelayNotTheTimeout() async throws {
    let silent = try SilentListener(host: "::1")
    try await withLoop { loop in
      let live = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      defer { live.close() }
      let before = silent.connectsInProgress
      let (result, elapsed) = await connect(
        loop, to: [silent.address, live.addresses[0]],
        options: ConnectOptions(timeout: .seconds(30), attemptDelay: .milliseconds(250)))
      #expect(try result.get() == live.port)
      #expect(elapsed >= .milliseconds(200) && elapsed < .seconds(3), "connected after \(elapsed)")
      // The losing attempt to the silent address was closed: it no longer sends SYNs.
      #expect(await eventually { silent.connectsInProgress == before })
    }
  }

  @Test func aDelayOfZeroTriesTheAddressesOneAfterAnotherWithinOneTimeout() async throws {
    let silent = try SilentListener(host: "::1")
    try await withLoop { loop in
      let live = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      defer { live.close() }
      let before = silent.connectsInProgress
      let (result, elapsed) = await connect(
        loop, to: [silent.address, live.addresses[0]],
        options: ConnectOptions(timeout: .milliseconds(800), attemptDelay: .zero))
      guard case .failure(.timedOut) = result else {
        Issue.record("expected the timeout, got \(result)")
        return
      }
      #expect(elapsed >= .milliseconds(700) && elapsed < .seconds(5))
      #expect(await eventually { silent.connectsInProgress == before })
    }
  }

  @Test func aFailingAttemptStartsTheNextAtOnce() async throws {
    try await withLoop { loop in
      let dead = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      dead.close()
      await dead.waitClosed()
      let live = try loop.createServer(host: "::1", port: 0) { Echo() }
      defer { live.close() }
      let (result, elapsed) = await connect(
        loop, to: [dead.addresses[0], live.addresses[0]], options: ConnectOptions(attemptDelay: .seconds(10)))
      #expect(try result.get() == live.port)
      #expect(elapsed < .seconds(2), "a refused attempt must not wait out the 10 s delay: \(elapsed)")
    }
  }

  /// A namespace where 10.99.0.1 black-holes SYNs: its route leads out of a veth pair to a
  /// neighbour whose hardware address nobody has, so nothing ever answers (no RST, no ICMP).
  private static let blackHole = """
    ip link set lo up
    ip link add eddyhe0 type veth peer name eddyhe1
    ip link set eddyhe0 up
    ip link set eddyhe1 up
    ip route add 10.99.0.0/24 dev eddyhe0
    ip neigh add 10.99.0.1 lladdr 02:00:00:00:99:01 dev eddyhe0 nud permanent
    """

  @Test(.enabled(if: geteuid() == 0, "a network namespace needs root"))
  func anAddressThatBlackHolesSYNsCostsTheAttemptDelayInANamespace() async throws {
    try await withLoop { loop in
      try await NetworkNamespace.enter(on: loop, setUp: Self.blackHole)
      let live = try await loop.submit { try loop.createServer(host: "127.0.0.1", port: 0) { Echo() } }
      defer { live.close() }
      let dead = try SocketAddress(ipAddress: "10.99.0.1", port: live.port!)
      let (raced, racedTime) = await connect(
        loop, to: [dead, live.addresses[0]],
        options: ConnectOptions(timeout: .seconds(30), attemptDelay: .milliseconds(250)))
      #expect(try raced.get() == live.port)
      #expect(racedTime >= .milliseconds(200) && racedTime < .seconds(3), "connected after \(racedTime)")
      // One after another, the black hole takes the whole timeout.
      let (sequential, sequentialTime) = await connect(
        loop, to: [dead, live.addresses[0]],
        options: ConnectOptions(timeout: .seconds(1), attemptDelay: .zero))
      guard case .failure(.timedOut) = sequential else {
        Issue.record("expected the timeout, got \(sequential)")
        return
      }
      #expect(sequentialTime >= .milliseconds(900))
    }
  }
}
