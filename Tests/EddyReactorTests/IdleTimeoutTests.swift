import EddyReactor
import EddyTestSupport
import Testing

/// Holds an idle timeout on the loop's thread between test steps.
final class IdleBox: @unchecked Sendable {
  var timeout: IdleTimeout?
}

@Suite struct IdleTimeoutTests {
  @Test func firesOnceATimeoutAfterTheStartWithoutActivity() async throws {
    try await withLoop { loop in
      let fired = Recorder<Duration>()
      let box = IdleBox()
      try await loop.submit {
        let start = loop.now
        box.timeout = IdleTimeout(loop: loop, timeout: .milliseconds(50)) {
          fired.append(start.duration(to: loop.now))
        }
      }
      #expect(await eventually { !fired.values.isEmpty })
      try await Task.sleep(for: .milliseconds(120))
      #expect(fired.values.count == 1)
      #expect(fired.values[0] >= .milliseconds(50))
      #expect(try await loop.submit { box.timeout!.isActive } == false)
    }
  }

  @Test func touchingPostponesItAndKeepsOneTimerPending() async throws {
    try await withLoop { loop in
      let fired = Recorder<Duration>()
      let box = IdleBox()
      let start = try await loop.submit { () -> Deadline in
        let start = loop.now
        box.timeout = IdleTimeout(loop: loop, timeout: .milliseconds(80)) {
          fired.append(start.duration(to: loop.now))
        }
        return start
      }
      // Activity every 20 ms for 300 ms: never idle for 80 ms.
      var timersWhileBusy: [Int] = []
      var lastTouch = Duration.zero
      for _ in 0..<15 {
        try await Task.sleep(for: .milliseconds(20))
        let (timers, touched) = try await loop.submit {
          let touched = start.duration(to: loop.now)  // no later than the touch's own clock reading
          box.timeout!.touch()
          return (loop.pendingTimerCount, touched)
        }
        timersWhileBusy.append(timers)
        lastTouch = touched
      }
      #expect(fired.values.isEmpty)
      #expect(timersWhileBusy.allSatisfy { $0 == 1 })
      #expect(await eventually { !fired.values.isEmpty })
      #expect(fired.values[0] >= lastTouch + .milliseconds(80))
    }
  }

  @Test func aCancelledOrReleasedTimeoutNeverFires() async throws {
    try await withLoop { loop in
      let fired = Recorder<Int>()
      let box = IdleBox()
      try await loop.submit {
        box.timeout = IdleTimeout(loop: loop, timeout: .milliseconds(20)) { fired.append(1) }
        box.timeout!.cancel()
        box.timeout!.cancel()
        _ = IdleTimeout(loop: loop, timeout: .milliseconds(20)) { fired.append(2) }
      }
      try await Task.sleep(for: .milliseconds(100))
      #expect(fired.values.isEmpty)
      #expect(try await loop.submit { box.timeout!.isActive } == false)
    }
  }
}
