import Benchmark

/// The micro benchmarks of Eddy's building blocks, run by `swift package benchmark`.
let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    scalingFactor: .kilo,
    maxDuration: .seconds(2),
    maxIterations: 100_000
  )
  registerByteBufferBenchmarks()
  registerEventLoopBenchmarks()
  registerFrameEncodeBenchmarks()
  registerFrameDecodeBenchmarks()
  registerZlibBenchmarks()
  registerCodecStackBenchmarks()
  registerEchoAllocationBenchmarks()
}
