import Benchmark
import Glibc

/// Allocation budgets: the mallocs per message a real echo server in this process does, over
/// loopback (64-byte messages), for each codec stack and the async path, and per accepted connection. Malloc counts
/// are exact where time is not, so these have thresholds (Benchmarks/Thresholds/, written by
/// `make allocation-budgets-update`) that `make check` holds them to.
///
/// The client is ``BlockingEchoClient`` on the benchmark's thread, which allocates nothing per
/// message; one message is in flight at a time, so each is one read and one write on the server.
/// An iteration is 1,000 messages (or connections, each echoing one 64-byte message), and the
/// counts are per message.
func registerEchoAllocationBenchmarks() {
  let configuration = Benchmark.Configuration(
    metrics: [.mallocCountTotal],
    scalingFactor: .kilo,
    maxDuration: .seconds(1),
    maxIterations: 20,
    // Thresholds are per iteration: 100 is a tenth of an allocation per message, so a stray
    // allocation now and then (a timer, a resized table) passes and one more per message does not.
    thresholds: [.mallocCountTotal: .init(absolute: [.p90: 100])]
  )
  let letters = { (count: Int) in (0..<count).map { UInt8(ascii: "a") + UInt8($0 % 26) } }
  let line = letters(63) + [UInt8(ascii: "\n")]
  let cases: [(name: String, kind: LoopbackEchoServer.Kind, message: [UInt8], zlib: Bool)] = [
    ("raw", .callback(stack: "raw"), letters(64), false),
    ("line", .callback(stack: "line"), line, false),
    ("length-prefix", .callback(stack: "length-prefix"), [0, 0, 0, 60] + letters(60), false),
    ("zlib-line", .callback(stack: "zlib,line"), line, true),
    ("async-raw", .async, letters(64), false),
  ]
  for echo in cases {
    Benchmark("Allocations-echo-\(echo.name)", configuration: configuration) { benchmark in
      let server = try LoopbackEchoServer(echo.kind)
      defer { server.shutdown() }
      let client = try BlockingEchoClient(port: server.port, zlib: echo.zlib)
      echo.message.withUnsafeBytes { message in
        // The first exchange makes the connection's buffers and zlib streams, outside measurement.
        client.roundTrip(message)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { client.roundTrip(message) }
        benchmark.stopMeasurement()
      }
    }
  }

  Benchmark("Allocations-accepted-connection", configuration: configuration) { benchmark in
    let server = try LoopbackEchoServer(.callback(stack: "raw"))
    defer { server.shutdown() }
    let message = letters(64)
    var echo = [UInt8](repeating: 0, count: message.count)
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      try BlockingEchoClient.exchangeOnce(port: server.port, message: message, echo: &echo)
    }
    benchmark.stopMeasurement()
    precondition(echo == message, "the last connection's echo differs from its message")
  }
}
