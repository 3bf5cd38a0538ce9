import EddyAsync
import EddyProtocols
import EddyReactor
import EddyTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A served handler's task runs on its connection's loop, and the loop runs jobs in order with
/// the callbacks and handed-over work scheduled around them.
@Suite struct LoopAffinityTests {
  /// Each handler echoes on its connection's loop: before and after every suspension it is on
  /// that loop's thread.
  @Test func servedHandlersRunOnTheirConnectionsLoop() async throws {
    try await withGroup(loops: 2) { group in
      let observations = Locked<[Bool]>([])
      let server = try await group.listen(host: "127.0.0.1", port: 0)
      let serving = Task {
        try await server.serve { connection in
          var onLoop = connection.loop.isInLoopThread
          for try await chunk in connection.inbound {
            onLoop = onLoop && connection.loop.isInLoopThread
            try await connection.write(chunk)
            onLoop = onLoop && connection.loop.isInLoopThread
          }
          observations.withLock { [onLoop] in $0.append(onLoop) }
        }
      }
      for index in 0..<4 {
        let client = try await group.connect(host: "127.0.0.1", port: server.port!)
        let message = patternBuffer(from: index, count: 1_000)
        try await client.write(message)
        client.writeEOF()
        var received = ByteBuffer()
        for try await chunk in client.inbound { received.writeBuffer(chunk) }
        #expect(received == message)
      }
      server.close()
      try await serving.value
      let seen = observations.withLock { $0 }
      #expect(seen.count == 4)
      #expect(seen.allSatisfy { $0 })
    }
  }

  /// A job enqueued from the loop's own thread runs after the callbacks scheduled before it and
  /// before those scheduled after it.
  @Test func jobsFromTheLoopThreadRunInOrderWithCallbacks() async throws {
    try await withLoop { loop in
      let order = Locked<[String]>([])
      let job = try await loop.submit { () -> Task<Void, Never> in
        loop.callSoon { order.withLock { $0.append("before") } }
        let task = Task(executorPreference: loop) { order.withLock { $0.append("job") } }
        loop.callSoon { order.withLock { $0.append("after") } }
        return task
      }
      await job.value
      try await loop.submit {}
      #expect(order.withLock { $0 } == ["before", "job", "after"])
    }
  }

  /// A job enqueued from another thread runs in order with the work that thread handed over
  /// before and after it.
  @Test func jobsFromOtherThreadsRunInOrderWithHandedOverWork() async throws {
    try await withLoop { loop in
      let order = Locked<[String]>([])
      let released = Locked(false)
      // Hold the loop (for at most five seconds) so that the three items wait in its inbox together.
      loop.execute {
        let giveUp = Deadline.now() + .seconds(5)
        while !released.withLock({ $0 }), Deadline.now() < giveUp { sched_yield() }
      }
      loop.execute { order.withLock { $0.append("before") } }
      let task = Task(executorPreference: loop) { order.withLock { $0.append("job") } }
      loop.execute { order.withLock { $0.append("after") } }
      released.withLock { $0 = true }
      await task.value
      try await loop.submit {}
      #expect(order.withLock { $0 } == ["before", "job", "after"])
    }
  }
}
