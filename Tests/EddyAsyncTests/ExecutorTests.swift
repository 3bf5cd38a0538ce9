import EddyAsync
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

/// An actor whose executor is an event loop: its code runs on the loop's thread, so it drives a
/// transport directly, with no hop.
actor LoopSession {
  let loop: EventLoop
  private var transport: SocketStreamTransport?
  private var received = ByteBuffer()
  private var replyWaiter: CheckedContinuation<ByteBuffer, Never>?
  private var expected = 0
  private(set) var callbacksOnLoop = true

  nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

  init(loop: EventLoop) { self.loop = loop }

  var isOnLoopThread: Bool { loop.isInLoopThread }

  /// Connects with the callback API, writes `message` and returns the echo.
  func exchange(_ message: ByteBuffer, port: Int) async throws -> ByteBuffer {
    try await withCheckedThrowingContinuation { (made: CheckedContinuation<Void, any Error>) in
      loop.createConnection(
        host: "127.0.0.1", port: port,
        protocolFactory: { Relay(session: self) }
      ) { result in
        switch result {
        case .success(let transport):
          self.transport = transport
          made.resume()
        case .failure(let error):
          made.resume(throwing: error)
        }
      }
    }
    expected = message.readableBytes
    transport!.write(message)
    let reply = await withCheckedContinuation { replyWaiter = $0 }
    transport!.close()
    return reply
  }

  /// Called by the protocol on the loop's thread, which is this actor's executor.
  func relayed(_ data: ByteBuffer) {
    received.writeBuffer(data)
    if received.readableBytes >= expected, let replyWaiter {
      self.replyWaiter = nil
      replyWaiter.resume(returning: received)
    }
  }

  func noteCallbackThread() { callbacksOnLoop = callbacksOnLoop && loop.isInLoopThread }
}

/// Hands received bytes to its session synchronously: the loop's thread is the session's
/// executor, so `assumeIsolated` holds.
final class Relay: StreamProtocol {
  let session: LoopSession

  init(session: LoopSession) { self.session = session }

  func dataReceived(_ data: ByteBuffer) {
    session.assumeIsolated { session in
      session.noteCallbackThread()
      session.relayed(data)
    }
  }
}

/// Echoes back what it receives.
final class EchoPeer: StreamProtocol {
  var transport: (any StreamTransport)?
  func connectionMade(_ transport: any StreamTransport) { self.transport = transport }
  func dataReceived(_ data: ByteBuffer) { transport?.write(data) }
}

@Suite struct ExecutorTests {
  @Test func actorOnALoopDrivesATransportDirectly() async throws {
    try await withGroup(loops: 2) { group in
      let server = try group.loops[0].createServer(host: "127.0.0.1", port: 0) { EchoPeer() }
      defer { server.close() }
      let session = LoopSession(loop: group.loops[1])
      #expect(await session.isOnLoopThread)
      let message = patternBuffer(from: 0, count: 200_000)
      let reply = try await session.exchange(message, port: server.port!)
      #expect(reply == message)
      #expect(await session.callbacksOnLoop)
    }
  }

  @Test func taskExecutorPreferenceRunsTheTaskOnTheLoop() async throws {
    try await withGroup(loops: 2) { group in
      let loop = group.loops[1]
      let server = try await group.loops[0].listen(host: "127.0.0.1", port: 0)
      let serving = Task { try await server.serve(echo) }
      let onLoop = try await withTaskExecutorPreference(loop) {
        var everyStepOnLoop = loop.isInLoopThread
        let connection = try await loop.connect(host: "127.0.0.1", port: server.port!)
        everyStepOnLoop = everyStepOnLoop && loop.isInLoopThread
        try await connection.write("ping")
        connection.writeEOF()
        var reply = ""
        for try await chunk in connection.inbound {
          everyStepOnLoop = everyStepOnLoop && loop.isInLoopThread
          reply += chunk.string
        }
        return everyStepOnLoop && reply == "ping"
      }
      #expect(onLoop)
      #expect(!loop.isInLoopThread)
      server.close()
      try await serving.value
    }
  }

  @Test func everyJobOfALoopActorRunsOnTheLoop() async throws {
    try await withGroup { group in
      let loop = group.loops[0]
      let order = try await withTaskExecutorPreference(loop) {
        try await withThrowingTaskGroup(of: Void.self, returning: Bool.self) { tasks in
          let recorder = OrderRecorder(loop: loop)
          for index in 0..<100 { tasks.addTask { await recorder.record(index) } }
          try await tasks.waitForAll()
          return await recorder.isComplete
        }
      }
      #expect(order)
    }
  }
}

/// An actor on a loop counting the calls it served, all on the loop's thread.
actor OrderRecorder {
  let loop: EventLoop
  private var seen = Set<Int>()
  private var allOnLoop = true

  nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

  init(loop: EventLoop) { self.loop = loop }

  func record(_ index: Int) {
    allOnLoop = allOnLoop && loop.isInLoopThread
    seen.insert(index)
  }

  var isComplete: Bool { allOnLoop && seen == Set(0..<100) }
}
