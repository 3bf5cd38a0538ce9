import Benchmark
import EddyCodecs
import EddyProtocols

/// Decoding with each framing codec: one frame per operation, the frames arriving one per read,
/// many per read, or split across reads.
func registerFrameDecodeBenchmarks() {
  registerDecodeBenchmarks(LineCodec(), name: "line")
  registerDecodeBenchmarks(LengthFieldCodec(), name: "length-prefix")
}

private func registerDecodeBenchmarks<Codec: FrameDecoder & FrameEncoder>(_ codec: Codec, name: String) {
  for size in SamplePayloads.frameSizes {
    let sizeName = SamplePayloads.sizeName(size)
    let frameCount = Benchmark.defaultConfiguration.scalingFactor.rawValue
    let oneFrame = Prepared {
      SamplePayloads.encoded(SamplePayloads.letters(size: size), count: 1, with: codec)
    }
    let stream = Prepared {
      SamplePayloads.encoded(SamplePayloads.letters(size: size), count: frameCount, with: codec)
    }

    Benchmark("Codec \(name) decode \(sizeName), one frame per read") { benchmark in
      var decoder = codec
      let wire = oneFrame.value
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        var input = wire
        blackHole(try decoder.decode(&input))
      }
    }

    Benchmark("Codec \(name) decode \(sizeName), many frames per read") { benchmark in
      var decoder = codec
      var input = stream.value
      precondition(benchmark.scaledIterations.count <= frameCount, "the stream holds a frame per operation")
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        blackHole(try decoder.decode(&input))
      }
    }

    // Reads of 5/8 of a frame: every frame arrives in two or three pieces, cut at a moving place.
    let readSize = size * 5 / 8 + 1
    let reads = Prepared { stream.value.chunked(by: readSize) }
    Benchmark("Codec \(name) decode \(sizeName), split across \(readSize) B reads") { benchmark in
      var decoder = codec
      let pieces = reads.value
      // Room for a frame and a read; consumed bytes are slid out of the way, never reallocated.
      var pending = ByteBuffer(capacity: 2 * (size + 16) + readSize)
      let wanted = benchmark.scaledIterations.count
      precondition(wanted <= frameCount, "the stream holds a frame per operation")
      var decoded = 0
      var next = 0
      benchmark.startMeasurement()
      while decoded < wanted {
        pending.writeBuffer(pieces[next])
        next += 1
        while let frame = try decoder.decode(&pending) {
          blackHole(frame)
          decoded += 1
        }
      }
    }
  }
}

extension ByteBuffer {
  /// The readable bytes cut into slices of `size` bytes (the last may be shorter).
  fileprivate func chunked(by size: Int) -> [ByteBuffer] {
    stride(from: 0, to: readableBytes, by: size).compactMap { offset in
      getSlice(at: offset, length: Swift.min(size, readableBytes - offset))
    }
  }
}
