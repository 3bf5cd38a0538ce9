import EddyMetrics
import EddyReactor
import EddyTestSupport
import MetricsTestKit
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// EventLoopMetrics on a running loop: turns, tasks and the lag a long callback causes.
@Suite struct EventLoopMetricsTests {
  @Test func aLoopReportsItsTurnsTasksAndTheLagOfALongTurn() async throws {
    let metrics = TestMetrics()
    try await withGroup(loops: 1) { group in
      let loop = group.loops[0]
      EventLoopMetrics.install(on: loop, reportInterval: .milliseconds(20), factory: metrics)
      try await loop.submit {}
      let dimensions = [("loop", loop.name)]
      // 200 callbacks, then one that holds the loop for 60 ms.
      for _ in 0..<200 { loop.execute {} }
      try await loop.submit { _ = usleep(60_000) }
      // The long turn's interval, then a later one whose turns (the report timer's) were short.
      let timer = try metrics.expectTimer("eddy_loop_lag", dimensions)
      #expect(
        await eventually {
          let lag = timer.values
          return lag.contains { $0 >= 60_000_000 } && (lag.last ?? 0) < 60_000_000
        })
      let lag = timer.values
      // The longest turn of each interval: the long one once, not added to the others.
      #expect(lag.filter { $0 >= 60_000_000 }.count == 1, "\(lag)")
      let turns = try metrics.expectCounter("eddy_loop_turns_total", dimensions).totalValue
      let tasks = try metrics.expectCounter("eddy_loop_tasks_total", dimensions).totalValue
      let busy = try metrics.expectCounter("eddy_loop_busy_nanoseconds_total", dimensions).totalValue
      #expect(turns >= 2)
      #expect(tasks >= 202, "\(tasks) tasks in \(turns) turns")
      #expect(busy >= 60_000_000)
    }
  }
}
