import Benchmark
import EddyCodecs
import EddyProtocols
import EddyTesting

/// Echo through whole codec stacks, client and server, over a pair of in-memory transports: the
/// messages per second a stack of codec layers sustains without any I/O. The client keeps
/// `pipeline` messages in flight, as the load generator does.
func registerCodecStackBenchmarks() {
  let pipeline = 16
  for stackName in ["line", "zlib,line"] {
    Benchmark("Codec stack \(stackName) echo, 64 B messages, pipeline \(pipeline)") { benchmark in
      let stack = try CodecStack(parsing: stackName)
      let client = CountingClient()
      let pair = InMemoryTransport.pair(stack.wrap(client), stack.wrap(MessageEcho()))
      let message = SamplePayloads.letters(size: 64)
      let count = benchmark.scaledIterations.count
      benchmark.startMeasurement()
      var sent = 0
      while sent < count {
        let burst = Swift.min(pipeline, count - sent)
        for _ in 0..<burst { client.transport?.write(message) }
        sent += burst
        pair.run()
      }
      benchmark.stopMeasurement()
      precondition(client.received == count, "every message came back")
      client.transport?.close()
      pair.run()
    }
  }
}

/// Counts the messages echoed back to it.
private final class CountingClient: MessageProtocol {
  private(set) var transport: (any StreamTransport)?
  private(set) var received = 0

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
  }

  func messageReceived(_ message: ByteBuffer) {
    received += 1
  }

  func connectionLost(_ error: (any Error)?) {
    transport = nil
  }
}
