import EddyReactor
import EddyTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite struct ThreadSafetyTests {
  @Test func executeFromManyThreadsKeepsEachThreadsOrder() async throws {
    try await withLoop { loop in
      let threads = 8
      let perThread = 2_000
      let seen = Recorder<(Int, Int)>()
      await withTaskGroup(of: Void.self) { group in
        for thread in 0..<threads {
          group.addTask {
            for index in 0..<perThread { loop.execute { seen.append((thread, index)) } }
          }
        }
      }
      #expect(await eventually { seen.values.count == threads * perThread })
      var next = [Int](repeating: 0, count: threads)
      for (thread, index) in seen.values {
        #expect(index == next[thread])
        next[thread] = index + 1
      }
    }
  }

  @Test func workRunsOnTheLoopThread() async throws {
    try await withLoop { loop in
      let onLoop = try await loop.submit { loop.isInLoopThread && EventLoop.current === loop }
      #expect(onLoop)
      #expect(!loop.isInLoopThread)
    }
  }

  @Test func submitReturnsValuesAndRethrows() async throws {
    struct Boom: Error {}
    try await withLoop { loop in
      let answer = try await loop.submit { 6 * 7 }
      #expect(answer == 42)
      await #expect(throws: Boom.self) { try await loop.submit { throw Boom() } }
    }
  }

  @Test func submitToAClosedLoopThrows() async throws {
    let group = try EventLoopGroup(loops: 1)
    let loop = group.loops[0]
    group.shutdown()
    await #expect(throws: EventLoopError.closed) { try await loop.submit { 1 } }
  }

  @Test func errorsFromCallbacksReachTheHandlerAndTheLoopGoesOn() async throws {
    struct Boom: Error {}
    try await withLoop { loop in
      let errors = Recorder<String>()
      try await loop.submit {
        loop.errorHandler = { errors.append("\($0)") }
        loop.callSoon { throw Boom() }
        loop.callLater(after: .milliseconds(1)) { throw Boom() }
      }
      #expect(await eventually { errors.values.count == 2 })
      let alive = try await loop.submit { "alive" }
      #expect(alive == "alive")
    }
  }

  @Test func groupHandsOutLoopsRoundRobin() throws {
    let group = try EventLoopGroup(loops: 3)
    defer { group.shutdown() }
    let picked = (0..<6).map { _ in ObjectIdentifier(group.next()) }
    #expect(picked[0] == picked[3] && picked[1] == picked[4] && picked[2] == picked[5])
    #expect(Set(picked).count == 3)
  }
}
