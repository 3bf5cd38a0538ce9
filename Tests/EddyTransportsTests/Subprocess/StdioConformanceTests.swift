import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTesting
import EddyTransports
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The layer conformance checks over a child's stdio: `cat` echoes, SIGSTOP holds its reading.
@Suite struct StdioConformanceTests {
  /// Connects each check to a fresh `cat` through a child's stdio stream, with `layers` between.
  struct CatDriver: EchoPeerDriver {
    let loop: EventLoop
    let layers: (any StreamProtocol) -> any StreamProtocol
    /// The newest child, for holding its reading.
    final class Newest { var process: ChildProcessTransport? }
    let newest = Newest()

    func connect(_ upper: any StreamProtocol) {
      let stream = SubprocessStdioStream(upper: layers(upper))
      newest.process = try? loop.subprocessExec(argv: ["cat"], stderr: .inherit) { stream }
    }

    func after(_ delay: Duration, _ work: @escaping () -> Void) {
      loop.callLater(after: delay, work)
    }

    func holdPeerReading(_ held: Bool) {
      if let pid = newest.process?.pid { kill(pid, held ? SIGSTOP : SIGCONT) }
    }
  }

  static let stacks: [(String, @Sendable (any StreamProtocol) -> any StreamProtocol)] = [
    ("stdio", { $0 }),
    ("line over stdio", { CodecLayer(codec: LineCodec(), upper: $0) }),
    ("zlib,length-prefix over stdio", { try! CodecStack(parsing: "zlib,length-prefix").wrap($0) }),
  ]

  @Test(arguments: 0..<stacks.count)
  func aChildsStdioKeepsTheContract(stack: Int) async throws {
    let (name, layers) = Self.stacks[stack]
    let result = Locked<[String]?>(nil)
    try await withLoop { loop in
      try await loop.submit {
        // The driver and every recorder live on the loop.
        LayerConformance.checkOverEchoPeer(CatDriver(loop: loop, layers: layers)) { found in
          result.withLock { $0 = found }
        }
      }
      #expect(await eventually(within: 60) { result.withLock { $0 != nil } })
    }
    #expect(result.withLock { $0 } == [], "\(name)")
  }
}

@Suite struct StdioTurnTests {
  /// Counts read bursts and whether work deferred to the next turn ran.
  final class TurnProbe: StreamProtocol {
    let log: Locked<(bursts: Int, bytes: Int, deferredRan: Bool)>
    init(log: Locked<(bursts: Int, bytes: Int, deferredRan: Bool)>) { self.log = log }

    func connectionMade(_ transport: any StreamTransport) {
      let scheduled = transport.callOnNextTurn { [log] in log.withLock { $0.deferredRan = true } }
      #expect(scheduled)
    }
    func dataReceived(_ data: ByteBuffer) { log.withLock { $0.bytes += data.readableBytes } }
    func readBurstEnded() { log.withLock { $0.bursts += 1 } }
  }

  @Test func readBurstsOnStdoutGoUpAndWorkCanWaitForTheNextTurn() async throws {
    let log = Locked<(bursts: Int, bytes: Int, deferredRan: Bool)>((0, 0, false))
    let expected = (1...20_000).map { "\($0)\n" }.joined().utf8.count
    try await withLoop { loop in
      try await loop.submit {
        _ = try loop.subprocessExec(argv: ["seq", "1", "20000"], stdin: .devNull, stderr: .inherit) {
          SubprocessStdioStream(upper: TurnProbe(log: log))
        }
      }
      #expect(await eventually { log.withLock { $0.bytes } >= expected })
    }
    let seen = log.withLock { $0 }
    #expect(seen.bursts >= 1)
    #expect(seen.deferredRan)
  }
}
