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

/// An address whose SYNs go unanswered: a listener on `::1` that never accepts, its accept
/// queue already full, so the kernel drops new SYNs as a black-holed route would.
private final class SilentAddress {
  private var descriptors: [Int32] = []
  let address: SocketAddress

  init() throws {
    let listener = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
    descriptors.append(listener)
    var bound = try SocketAddress(ipAddress: "::1", port: 0)
    guard bound.withSockAddr({ bind(listener, $0, $1) }) == 0, listen(listener, 0) == 0 else {
      throw SystemError("listen")
    }
    var storage = sockaddr_in6()
    var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
    _ = withUnsafeMutablePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
    }
    bound = .ipv6(storage)
    address = bound
    for _ in 0..<3 {
      let filler = socket(AF_INET6, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
      descriptors.append(filler)
      _ = bound.withSockAddr { connect(filler, $0, $1) }
    }
    usleep(100_000)
  }

  deinit {
    for descriptor in descriptors { close(descriptor) }
  }

  /// Sockets of this machine still sending SYNs to the address (`SYN_SENT` in /proc/net/tcp6).
  var connectsInProgress: Int {
    guard let file = fopen("/proc/net/tcp6", "r") else { return -1 }
    defer { fclose(file) }
    let port = String(address.port!, radix: 16, uppercase: true)
    let suffix = ":" + String(repeating: "0", count: 4 - port.count) + port
    var count = 0
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), file) != nil {
      let fields = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .split(separator: " ")
      // sl, local, remote, state: state 02 is SYN_SENT.
      if fields.count > 3 && fields[2].hasSuffix(suffix) && fields[3] == "02" { count += 1 }
    }
    return count
  }
}

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
    let silent = try SilentAddress()
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
    let silent = try SilentAddress()
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
}
