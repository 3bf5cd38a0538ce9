import Benchmark
import Dispatch
import EddyReactor

/// The reactor's scheduling paths: callbacks, timers, and work handed over from another thread.
func registerEventLoopBenchmarks() {
  Benchmark("EventLoop callSoon and run") { benchmark in
    let count = benchmark.scaledIterations.count
    try runOnFreshLoop(benchmark) { loop in
      let counter = Counter()
      for _ in 0..<count {
        loop.callSoon { counter.value &+= 1 }
      }
      loop.callSoon {
        precondition(counter.value == count, "every callback ran")
        loop.stop()
      }
    }
  }

  Benchmark("EventLoop timer schedule and cancel") { benchmark in
    let count = benchmark.scaledIterations.count
    try runOnFreshLoop(benchmark) { loop in
      for _ in 0..<count {
        loop.callLater(after: .seconds(3600)) {}.cancel()
      }
      loop.stop()
    }
  }

  Benchmark("EventLoop execute from another thread, one wakeup each") { benchmark in
    let group = try EventLoopGroup(loops: 1, name: "bench")
    let loop = group.next()
    let done = DispatchSemaphore(value: 0)
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      loop.execute { done.signal() }
      done.wait()
    }
    benchmark.stopMeasurement()
    group.shutdown()
  }

  Benchmark("EventLoop execute from another thread, in bursts") { benchmark in
    let group = try EventLoopGroup(loops: 1, name: "bench")
    let loop = group.next()
    let done = DispatchSemaphore(value: 0)
    let count = benchmark.scaledIterations.count
    benchmark.startMeasurement()
    for index in benchmark.scaledIterations {
      let isLast = index == count - 1
      loop.execute { if isLast { done.signal() } }
    }
    done.wait()
    benchmark.stopMeasurement()
    group.shutdown()
  }
}

/// A mutable count shared by the callbacks of one loop.
private final class Counter {
  var value = 0
}

/// Runs `schedule` on a new loop driven by the calling thread, measuring from the moment the
/// loop starts until `schedule`'s callbacks stop it.
private func runOnFreshLoop(
  _ benchmark: Benchmark, _ schedule: @escaping @Sendable (EventLoop) -> Void
) throws {
  let loop = try EventLoop(name: "bench")
  loop.execute { schedule(loop) }
  benchmark.startMeasurement()
  loop.run()
  benchmark.stopMeasurement()
  loop.close()
}
