import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

/// Echoes every frame and records how each connection ended.
private final class EndRecordingEcho: StreamProtocol {
  let ends: Locked<[ServerLimitError?]>
  private var transport: (any StreamTransport)?

  init(ends: Locked<[ServerLimitError?]>) { self.ends = ends }

  func connectionMade(_ transport: any StreamTransport) { self.transport = transport }
  func dataReceived(_ data: ByteBuffer) { transport?.write(data) }
  func connectionLost(_ error: (any Error)?) {
    ends.withLock { $0.append(error as? ServerLimitError) }
    transport = nil
  }
}

/// A server's defences against peers that hold its memory: the frame timeout and the buffer
/// budget, over a `length-prefix` stack (4-byte big-endian lengths).
@Suite struct ServerDefenceTests {
  /// A length-prefix frame's header for `length` payload bytes.
  private func header(_ length: Int) -> [UInt8] {
    [UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
  }

  private func echoes(_ socket: RawSocket) -> Bool {
    let frame = header(4) + Array("ping".utf8)
    guard socket.send(frame) else { return false }
    var reply: [UInt8] = []
    while reply.count < frame.count, let chunk = socket.receive(), !chunk.isEmpty { reply += chunk }
    return reply == frame
  }

  @Test func aFrameDribbledByteByByteIsAbortedAtTheFrameTimeoutAndOthersGoOn() async throws {
    try await withLoop { loop in
      let ends = Locked<[ServerLimitError?]>([])
      let timeout = Duration.milliseconds(400)
      let stack = try CodecStack(parsing: "length-prefix")
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, options: ServerOptions(frameTimeout: timeout)
      ) {
        stack.wrap(EndRecordingEcho(ends: ends))
      }
      defer { server.close() }
      let slow = try #require(RawSocket(connectingTo: server.addresses[0]))
      let good = try #require(RawSocket(connectingTo: server.addresses[0]))
      // A 100-byte frame begun, then one byte every 50 ms: the connection is never idle.
      #expect(slow.send(header(100) + [1]))
      let start = ContinuousClock.now
      var closed = false
      for _ in 0..<60 where !closed {
        #expect(echoes(good), "a connection sending whole frames is served throughout")
        try await Task.sleep(for: .milliseconds(50))
        closed = !slow.send([1]) || server.connectionCount == 1
      }
      #expect(closed, "the dribbling connection was never closed")
      #expect(ContinuousClock.now - start >= timeout)
      #expect(await eventually { ends.withLock { $0 } == [.frameTimeout(timeout)] })
      #expect(echoes(good))
    }
  }

  @Test func connectionsHoldingHalfFramesPastTheBudgetAreHeldThenAbortedAndOthersGoOn() async throws {
    try await withLoop { loop in
      let ends = Locked<[ServerLimitError?]>([])
      let budget = 4 << 20
      let stack = try CodecStack(parsing: "length-prefix")
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, options: ServerOptions(bufferBudget: budget)
      ) {
        stack.wrap(EndRecordingEcho(ends: ends))
      }
      defer { server.close() }
      let good = try #require(RawSocket(connectingTo: server.addresses[0]))
      #expect(echoes(good))
      // Eight connections each begin a 2 MiB frame and send 1 MiB of it: 8 MiB of half frames.
      let half = header(2 << 20) + [UInt8](repeating: 7, count: 1 << 20)
      var attackers: [RawSocket] = []
      for _ in 0..<8 {
        let attacker = try #require(RawSocket(connectingTo: server.addresses[0], timeoutSeconds: 1))
        _ = attacker.send(half)
        attackers.append(attacker)
        #expect(echoes(good), "a connection holding nothing is served while others hold the budget")
      }
      #expect(
        await eventually {
          ends.withLock { $0.count { $0 == .bufferBudgetExceeded(heldBytes: (1 << 20) + 4, budget: budget) } }
            >= 2
        },
        "\(ends.withLock { $0 })")
      // Every connection that ended was ended by the budget, holding one of the half frames.
      #expect(
        ends.withLock {
          $0.allSatisfy { $0 == .bufferBudgetExceeded(heldBytes: (1 << 20) + 4, budget: budget) }
        })
      #expect(echoes(good))
      #expect(server.connectionCount <= 1 + 8 - 2)
    }
  }

  @Test func unsentEchoesToPeersThatNeverReadCountAgainstTheBudget() async throws {
    try await withLoop { loop in
      let ends = Locked<[ServerLimitError?]>([])
      let budget = 4 << 20
      // No layer: what the server holds is the echoes the kernel did not take (its send
      // buffers kept small, so that most of them wait in the server).
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0,
        options: ServerOptions(bufferBudget: budget, socketOptions: [.sendBufferSize(16 << 10)])
      ) {
        EndRecordingEcho(ends: ends)
      }
      defer { server.close() }
      var readers: [RawSocket] = []
      for _ in 0..<3 {
        let reader = try #require(
          RawSocket(connectingTo: server.addresses[0], receiveBuffer: 4096, timeoutSeconds: 1))
        _ = reader.send([UInt8](repeating: 1, count: 3 << 20))
        readers.append(reader)
      }
      #expect(
        await eventually {
          ends.withLock { $0.contains { if case .bufferBudgetExceeded = $0 { true } else { false } } }
        })
      #expect(ends.withLock { $0.allSatisfy { if case .bufferBudgetExceeded = $0 { true } else { false } } })
    }
  }
}
