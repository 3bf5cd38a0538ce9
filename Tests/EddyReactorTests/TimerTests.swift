import EddyReactor
import EddyTestSupport
import Testing

@Suite struct TimerTests {
  @Test func timersFireInDeadlineOrderAndTiesInSchedulingOrder() async throws {
    try await withLoop { loop in
      let fired = Recorder<Int>()
      try await loop.submit {
        let base = loop.now
        loop.callAt(base + .milliseconds(30)) { fired.append(3) }
        loop.callAt(base + .milliseconds(10)) { fired.append(1) }
        loop.callAt(base + .milliseconds(20)) { fired.append(2) }
        loop.callAt(base + .milliseconds(20)) { fired.append(22) }
        loop.callLater(after: .zero) { fired.append(0) }
      }
      #expect(await eventually { fired.values.count == 5 })
      #expect(fired.values == [0, 1, 2, 22, 3])
    }
  }

  @Test func aTimerDoesNotFireEarly() async throws {
    try await withLoop { loop in
      let elapsed = Recorder<Duration>()
      try await loop.submit {
        let start = loop.now
        loop.callLater(after: .milliseconds(50)) { elapsed.append(start.duration(to: loop.now)) }
      }
      #expect(await eventually { !elapsed.values.isEmpty })
      #expect(elapsed.values[0] >= .milliseconds(50))
    }
  }

  @Test func cancelledTimersNeverFire() async throws {
    try await withLoop { loop in
      let fired = Recorder<Int>()
      try await loop.submit {
        for index in 0..<100 {
          let handle = loop.callLater(after: .milliseconds(5)) { fired.append(index) }
          if index % 2 == 1 { handle.cancel() }
        }
        loop.callSoon { fired.append(-1) }.cancel()
      }
      try await Task.sleep(for: .milliseconds(60))
      #expect(await eventually { fired.values.count == 50 })
      #expect(fired.values.allSatisfy { $0 % 2 == 0 })
    }
  }

  @Test func cancelledTimersAreReclaimed() async throws {
    try await withLoop { loop in
      let pending = try await loop.submit {
        for _ in 0..<10_000 {
          loop.callLater(after: .seconds(3600)) {}.cancel()
        }
        return loop.pendingTimerCount
      }
      #expect(pending < 100)
    }
  }

  @Test func aCallbackScheduledFromACallbackRunsOnALaterIteration() async throws {
    try await withLoop { loop in
      let order = Recorder<String>()
      try await loop.submit {
        loop.callSoon {
          order.append("first")
          loop.callSoon { order.append("third") }
        }
        loop.callSoon { order.append("second") }
      }
      #expect(await eventually { order.values.count == 3 })
      #expect(order.values == ["first", "second", "third"])
    }
  }

  @Test func handlesReportTheirState() async throws {
    try await withLoop { loop in
      let states = try await loop.submit { () -> [Bool] in
        let ran = loop.callSoon {}
        let cancelled = loop.callLater(after: .seconds(1)) {}
        cancelled.cancel()
        return [ran.hasRun, ran.isCancelled, cancelled.isCancelled]
      }
      #expect(states == [false, false, true])
    }
  }
}
