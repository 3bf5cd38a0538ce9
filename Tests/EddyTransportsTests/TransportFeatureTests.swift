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

/// Receives into memory it owns and counts what arrived.
final class OwnBufferProtocol: BufferedStreamProtocol {
  let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 1000, alignment: 1)
  let received: ProbeLog

  init(received: ProbeLog) { self.received = received }
  deinit { memory.deallocate() }

  func getBuffer(sizeHint: Int) -> UnsafeMutableRawBufferPointer { memory }

  func bufferUpdated(_ count: Int) {
    received.record(ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: memory[0..<count])))
  }

  func dataReceived(_ data: ByteBuffer) { Issue.record("dataReceived called on a buffered protocol") }
}

@Suite struct TransportFeatureTests {
  @Test(arguments: ["127.0.0.1", "localhost", "::1"])
  func aPortOutOfRangeIsRefusedNotWrapped(host: String) async throws {
    try await withLoop { loop in
      for port in [65536, 70000, -1] {
        #expect(throws: ListenError.self) {
          let server = try loop.createServer(host: host, port: port) { ClosedStreamProtocol.shared }
          server.close()
        }
      }
    }
  }

  @Test func aBufferedProtocolReceivesIntoItsOwnMemory() async throws {
    try await withLoop { loop in
      let received = ProbeLog()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) { OwnBufferProtocol(received: received) }
      defer { server.close() }
      let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
      try await connect(loop, to: server.addresses[0]) {
        let probe = Probe(log: ProbeLog())
        probe.onMade = { $0.transport!.write(ByteBuffer(bytes: payload)) }
        return probe
      }
      #expect(await eventually { received.byteCount == payload.count })
      let same = received.bytes == payload
      #expect(same)
      #expect(received.events.allSatisfy { if case .data(let count) = $0 { count <= 1000 } else { true } })
    }
  }

  @Test func setProtocolHandsLaterCallbacksToTheNewProtocol() async throws {
    try await withLoop { loop in
      let first = ProbeLog()
      let second = ProbeLog()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        let probe = Probe(log: first)
        probe.onData = { probe, _ in
          let next = Probe(log: second)
          next.transport = probe.transport
          probe.transport!.setProtocol(next)
          #expect(probe.transport!.streamProtocol === next)
        }
        return probe
      }
      defer { server.close() }
      let client = Made<Probe>()
      try await connect(loop, to: server.addresses[0]) {
        let probe = client.add(Probe(log: ProbeLog()))
        probe.onMade = { $0.transport!.write("one") }
        return probe
      }
      #expect(await eventually { first.byteCount == 3 })
      try await loop.submit {
        client.items[0].transport!.write("two")
        client.items[0].transport!.close()
      }
      #expect(await eventually { second.isLost })
      #expect(first.lifecycle == [.made])
      #expect(second.bytes == Array("two".utf8))
      #expect(second.lifecycle == [.eof, .lost(nil)])
    }
  }

  @Test func writingToAClosedPeerEndsTheConnectionWithoutSIGPIPE() async throws {
    try await withLoop { loop in
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        let probe = Probe(log: ProbeLog())
        probe.onMade = { $0.transport!.abort() }
        return probe
      }
      defer { server.close() }
      let log = ProbeLog()
      let client = Made<Probe>()
      try await connect(loop, to: server.addresses[0]) {
        let probe = client.add(Probe(log: log))
        probe.onEOF = { _ in true }
        return probe
      }
      #expect(await eventually { log.events.contains(.eof) })
      // The peer is gone: keep writing until the kernel reports it. A SIGPIPE would kill the test.
      for _ in 0..<100 where !log.isLost {
        try await loop.submit {
          client.items[0].transport?.write(ByteBuffer(bytes: [UInt8](repeating: 1, count: 4096)))
        }
        try await Task.sleep(for: .milliseconds(5))
      }
      #expect(await eventually { log.isLost })
      let lost = log.events.last
      #expect(lost == .lost(EPIPE) || lost == .lost(ECONNRESET))
    }
  }

  @Test func eachAddressIsTriedInTurn() async throws {
    try await withLoop { loop in
      let dead = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      dead.close()
      await dead.waitClosed()
      let live = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      defer { live.close() }
      let log = ProbeLog()
      let peer = try await withCheckedThrowingContinuation {
        (continuation: CheckedContinuation<Int?, any Error>) in
        loop.execute {
          loop.createConnection(
            to: [dead.addresses[0], live.addresses[0]], protocolFactory: { Probe(log: log) }
          ) { result in
            continuation.resume(with: result.map { $0.peerAddress?.port }.mapError { $0 })
          }
        }
      }
      #expect(peer == live.port)
      #expect(log.events == [.made])
    }
  }

  @Test func acceptingSurvivesDescriptorExhaustionWithoutSpinning() async throws {
    let group = try EventLoopGroup(loops: 1, name: "emfile")
    defer { group.shutdown() }
    let loop = group.loops[0]
    let lines = Recorder<LogRecord>()
    let logger = RecordingLogHandler.logger(label: "emfile", level: .warning, into: lines)
    let server = try loop.createServer(host: "127.0.0.1", port: 0, options: ServerOptions(logger: logger)) {
      Echo()
    }
    defer { server.close() }
    // A blocking client socket made while descriptors remain; its connect completes in the
    // kernel's backlog even while the server cannot accept.
    let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(client) }
    // Use up every remaining descriptor.
    var hoard: [Int32] = []
    while true {
      let fd = open("/dev/null", O_RDONLY)
      if fd < 0 { break }
      hoard.append(fd)
      if hoard.count > 100_000 { break }
    }
    let connected = server.addresses[0].withSockAddr { Glibc.connect(client, $0, $1) }
    #expect(connected == 0)
    try await Task.sleep(for: .milliseconds(500))
    let reportsWhileExhausted = lines.values.count {
      $0.level == .warning && $0.message.hasPrefix("accepting paused")
    }
    for fd in hoard { close(fd) }
    // At most one report per back-off period (100 ms): a spinning accept loop would report thousands.
    #expect(reportsWhileExhausted >= 1 && reportsWhileExhausted <= 10)
    var byte: UInt8 = 42
    #expect(send(client, &byte, 1, 0) == 1)
    var echoed: UInt8 = 0
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    #expect(recv(client, &echoed, 1, 0) == 1)
    #expect(echoed == 42)
  }
}

@Suite struct WriteGatheringTests {
  /// Writes ten replies from inside `dataReceived` and records the write buffer size seen there.
  func gather(high: Int) async throws -> (inCallback: Int, received: [UInt8]) {
    try await withLoop { loop in
      let seen = Locked(-1)
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        let probe = Probe(log: ProbeLog())
        probe.onMade = { $0.transport!.setWriteBufferLimits(high: high, low: 0) }
        probe.onData = { probe, _ in
          for index in 0..<10 { probe.transport!.write(ByteBuffer(bytes: [UInt8(index)])) }
          let size = probe.transport!.writeBufferSize
          seen.withLock { $0 = size }
        }
        return probe
      }
      defer { server.close() }
      let log = ProbeLog()
      try await connect(loop, to: server.addresses[0]) {
        let probe = Probe(log: log)
        probe.onMade = { $0.transport!.write("go") }
        return probe
      }
      #expect(await eventually { log.byteCount == 10 })
      return (seen.withLock { $0 }, log.bytes)
    }
  }

  @Test func repliesWrittenInsideAReadGoOutTogetherAfterIt() async throws {
    let (inCallback, received) = try await gather(high: 65_536)
    #expect(inCallback == 10)
    #expect(received == Array(0..<10))
  }

  @Test func aWriteThatWouldPassTheHighMarkIsNotHeldBack() async throws {
    let (inCallback, received) = try await gather(high: 0)
    #expect(inCallback == 0)
    #expect(received == Array(0..<10))
  }
}
