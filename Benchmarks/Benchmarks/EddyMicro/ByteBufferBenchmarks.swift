import Benchmark
import EddyProtocols

/// The byte buffer's hot operations. Each benchmark iteration repeats one operation
/// `scaledIterations.count` times on a buffer prepared before measurement starts.
func registerByteBufferBenchmarks() {
  Benchmark("ByteBuffer writeInteger UInt32") { benchmark in
    var buffer = ByteBuffer(capacity: 4 * benchmark.scaledIterations.count)
    benchmark.startMeasurement()
    for index in benchmark.scaledIterations {
      buffer.writeInteger(UInt32(truncatingIfNeeded: index))
    }
    blackHole(buffer)
  }

  Benchmark("ByteBuffer readInteger UInt32") { benchmark in
    var buffer = ByteBuffer(capacity: 4 * benchmark.scaledIterations.count)
    for index in benchmark.scaledIterations {
      buffer.writeInteger(UInt32(truncatingIfNeeded: index))
    }
    benchmark.startMeasurement()
    var sum: UInt32 = 0
    for _ in benchmark.scaledIterations {
      sum &+= buffer.readInteger(as: UInt32.self) ?? 0
    }
    blackHole(sum)
  }

  Benchmark("ByteBuffer readSlice 64 B") { benchmark in
    let frameSize = 64
    var buffer = ByteBuffer(
      bytes: [UInt8](repeating: 7, count: frameSize * benchmark.scaledIterations.count))
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      blackHole(buffer.readSlice(length: frameSize))
    }
  }

  for size in [64, 16 * 1024] {
    Benchmark("ByteBuffer writeBytes \(size) B") { benchmark in
      let payload = [UInt8](repeating: 42, count: size)
      var buffer = ByteBuffer(capacity: size)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        buffer.clear()
        buffer.writeBytes(payload)
      }
      blackHole(buffer)
    }
  }

  Benchmark("ByteBuffer copy-on-write of 1 KiB") { benchmark in
    let original = ByteBuffer(bytes: [UInt8](repeating: 1, count: 1024))
    benchmark.startMeasurement()
    for index in benchmark.scaledIterations {
      var copy = original
      copy.writeInteger(UInt8(truncatingIfNeeded: index))
      blackHole(copy)
    }
  }

  Benchmark("ByteBuffer firstIndex(of:) in 1 KiB") { benchmark in
    var buffer = ByteBuffer(bytes: [UInt8](repeating: UInt8(ascii: "a"), count: 1023))
    buffer.writeInteger(UInt8(ascii: "\n"))
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      blackHole(buffer.firstIndex(of: UInt8(ascii: "\n")))
    }
  }
}
