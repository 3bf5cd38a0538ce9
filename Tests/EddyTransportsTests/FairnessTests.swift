import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Synchronization
import Testing

/// A count shared between threads.
private final class SharedCount: Sendable {
  let value = Atomic<Int>(0)
}

/// Echoes every message and counts them, so a test can see an attack being served.
private final class CountingEcho: MessageProtocol {
  let frames: SharedCount
  private var transport: (any StreamTransport)?

  init(frames: SharedCount) { self.frames = frames }

  func connectionMade(_ transport: any StreamTransport) { self.transport = transport }
  func messageReceived(_ message: ByteBuffer) {
    frames.value.add(1, ordering: .relaxed)
    transport?.write(message)
  }
}

/// Sends one line at a time and records how long each echo took.
private final class Pinger: MessageProtocol {
  let roundTrips: Locked<[Duration]>
  private var transport: (any StreamTransport)?
  private var sentAt = ContinuousClock.now

  init(roundTrips: Locked<[Duration]>) { self.roundTrips = roundTrips }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    ping()
  }

  func messageReceived(_ message: ByteBuffer) {
    let elapsed = ContinuousClock.now - sentAt
    roundTrips.withLock { $0.append(elapsed) }
    ping()
  }

  private func ping() {
    sentAt = ContinuousClock.now
    transport?.write(ByteBuffer(string: "ping"))
  }

  func close() { transport?.close() }
}

/// One connection's input, however amplified by its codec stack, delays the others on the same
/// loop by a bounded amount: a layer yields to the loop after a turn's budget of frames.
@Suite struct FairnessTests {
  /// `count` empty lines, compressed: each compressed byte decodes to about a thousand frames.
  private static func emptyLinesCompressed(_ count: Int) -> [UInt8] {
    var encoder = ZlibEncoder()
    var wire = ByteBuffer()
    let chunk = ByteBuffer(bytes: [UInt8](repeating: UInt8(ascii: "\n"), count: 1 << 20))
    for _ in 0..<(count >> 20) { try! encoder.encode(chunk, into: &wire) }
    encoder.release()
    return wire.bytes
  }

  @Test func aDecompressionFloodDoesNotStallTheOtherConnectionsOfItsLoop() async throws {
    // Limits loose enough that the flood is valid input, as an attacker would make it.
    let zlib = ZlibOptions(
      limit: DecompressionLimit(maxRatio: 4096, ratioFloor: 1 << 20, maxOutputPerBatch: 64 << 20))
    let stack = CodecStack(layers: [.zlib(zlib), .line(LineCodec())])
    let frames = SharedCount()
    let serverGroup = try EventLoopGroup(loops: 1, name: "fair-server")
    defer { serverGroup.shutdown() }
    let server = try serverGroup.createServer(host: "127.0.0.1", port: 0) {
      stack.wrap(CountingEcho(frames: frames))
    }
    defer { server.close() }
    let roundTrips = Locked<[Duration]>([])
    try await withLoop { loop in
      try await connect(loop, to: server.addresses[0]) { stack.wrap(Pinger(roundTrips: roundTrips)) }
      #expect(await eventually { roundTrips.withLock { $0.count } > 20 })
      let flood = Self.emptyLinesCompressed(32 << 20)
      let attacker = try #require(RawSocket(connectingTo: server.addresses[0]))
      #expect(attacker.send(flood))
      roundTrips.withLock { $0.removeAll() }
      try await Task.sleep(for: .seconds(1.5))
      let during = roundTrips.withLock { $0 }
      let served = frames.value.load(ordering: .relaxed)
      // The flood is being served, turn after turn (millions of frames in the window on a quiet
      // machine; a tenth of a million under ThreadSanitizer on a busy one, so the bound asks only
      // for many turns' budgets, not for a speed) …
      #expect(served > 10 * CodecLayer<LineCodec, LineCodec>.framesPerTurn, "\(served) frames served")
      // … and the pinger on the same loop kept getting its echoes, each within a bound far
      // below what the flood takes to serve.
      let slowest = during.max() ?? .seconds(99)
      #expect(during.count > 10, "\(during.count) echoes in 1.5 s")
      #expect(
        slowest < .milliseconds(250), "slowest echo \(slowest) while \(served) flood frames were served")
      attacker.resetOnClose()
    }
  }
}
