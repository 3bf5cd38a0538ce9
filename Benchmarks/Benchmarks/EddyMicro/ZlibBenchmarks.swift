import Benchmark
import EddyCodecs
import EddyProtocols

/// The zlib layer's encoder and decoder, through their public API, against zlib called directly
/// on the same messages at the same level, each message sync-flushed: the ratio of each pair is
/// what the layer costs over zlib itself.
func registerZlibBenchmarks() {
  let level = ZlibOptions.defaultLevel
  for size in [64, 1024] {
    let sizeName = SamplePayloads.sizeName(size)
    let messageCount = Benchmark.defaultConfiguration.scalingFactor.rawValue
    let messages = Prepared {
      (0..<messageCount).map { SamplePayloads.text(size: size, seed: UInt64($0) &+ 1) }
    }
    // One compressed stream of every message, cut where each message's sync flush ended it.
    let compressed = Prepared {
      var encoder = ZlibEncoder(options: ZlibOptions(level: level))
      return messages.value.map { message in
        var segment = ByteBuffer()
        try! encoder.encode(message, into: &segment)
        return segment
      }
    }

    Benchmark("Zlib layer compress \(sizeName) messages") { benchmark in
      var encoder = ZlibEncoder(options: ZlibOptions(level: level))
      let inputs = messages.value
      var output = ByteBuffer(capacity: 2 * size + 64)
      benchmark.startMeasurement()
      for index in benchmark.scaledIterations {
        output.clear()
        try encoder.encode(inputs[index], into: &output)
      }
      benchmark.stopMeasurement()
      encoder.release()
    }

    Benchmark("Zlib plain compress \(sizeName) messages") { benchmark in
      let deflater = PlainDeflater(level: level)
      let inputs = messages.value
      var output = [UInt8](repeating: 0, count: 2 * size + 64)
      var written = 0
      benchmark.startMeasurement()
      output.withUnsafeMutableBytes { output in
        for index in benchmark.scaledIterations {
          written &+= inputs[index].withUnsafeReadableBytes { deflater.compress($0, into: output) }
        }
      }
      benchmark.stopMeasurement()
      blackHole(written)
    }

    Benchmark("Zlib layer decompress \(sizeName) messages") { benchmark in
      var decoder = ZlibDecoder(options: ZlibOptions(level: level))
      let segments = compressed.value
      var decompressed = 0
      benchmark.startMeasurement()
      for index in benchmark.scaledIterations {
        var input = segments[index]
        while let chunk = try decoder.decode(&input) {
          decompressed &+= chunk.readableBytes
        }
      }
      benchmark.stopMeasurement()
      precondition(decompressed == benchmark.scaledIterations.count * size, "every byte came back")
      decoder.release()
    }

    Benchmark("Zlib plain decompress \(sizeName) messages") { benchmark in
      let inflater = PlainInflater()
      let segments = compressed.value
      var output = [UInt8](repeating: 0, count: ZlibOptions.defaultOutputChunkSize)
      var decompressed = 0
      benchmark.startMeasurement()
      output.withUnsafeMutableBytes { output in
        for index in benchmark.scaledIterations {
          decompressed &+= segments[index].withUnsafeReadableBytes { inflater.decompress($0, into: output) }
        }
      }
      benchmark.stopMeasurement()
      precondition(decompressed == benchmark.scaledIterations.count * size, "every byte came back")
    }
  }
}
