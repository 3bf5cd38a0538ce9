import EddyProtocols
import EddyReactor
import EddyTestSupport
import Testing

@testable import EddyAsync

#if canImport(Glibc)
  import Glibc
#endif

/// What each served handler saw of its thread and its connection's outbound queue.
struct HandlerObservation: Sendable {
  /// The handler ran on its connection's loop thread at every step it checked.
  var onLoop = true
  /// Bytes that still waited in the outbound queue right after each write returned.
  var stagedAfterWrites: [Int] = []
}

/// A served handler's task runs on its connection's loop, and the loop runs jobs in order with
/// the callbacks and handed-over work scheduled around them.
@Suite struct LoopAffinityTests {
  /// Each handler echoes on its connection's loop: before and after every suspension it is on
  /// that loop's thread, and a write made there reaches the transport before `write` returns
  /// (nothing is left staged for a later hop).
  @Test func servedHandlersRunOnTheirConnectionsLoop() async throws {
    try await withGroup(loops: 2) { group in
      let observations = Locked<[HandlerObservation]>([])
      let server = try await group.listen(host: "127.0.0.1", port: 0)
      let serving = Task {
        try await server.serve { connection in
          var seen = HandlerObservation()
          seen.onLoop = connection.loop.isInLoopThread
          for try await chunk in connection.inbound {
            seen.onLoop = seen.onLoop && connection.loop.isInLoopThread
            try await connection.write(chunk)
            seen.onLoop = seen.onLoop && connection.loop.isInLoopThread
            seen.stagedAfterWrites.append(connection.buffers.outbound.withLock { $0.stagedBytes })
          }
          observations.withLock { [seen] in $0.append(seen) }
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
      #expect(seen.allSatisfy { $0.onLoop })
      #expect(
        seen.allSatisfy { !$0.stagedAfterWrites.isEmpty && $0.stagedAfterWrites.allSatisfy { $0 == 0 } })
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
