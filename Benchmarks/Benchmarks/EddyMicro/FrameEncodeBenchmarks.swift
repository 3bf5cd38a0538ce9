import Benchmark
import EddyCodecs
import EddyProtocols

/// Encoding with each framing codec, one frame per operation into a reused buffer, as a codec
/// layer encodes each write.
func registerFrameEncodeBenchmarks() {
  registerEncodeBenchmarks(LineCodec(), name: "line")
  registerEncodeBenchmarks(LengthFieldCodec(), name: "length-prefix")
}

private func registerEncodeBenchmarks<Codec: FrameEncoder>(_ codec: Codec, name: String) {
  for size in SamplePayloads.frameSizes {
    Benchmark("Codec \(name) encode \(SamplePayloads.sizeName(size))") { benchmark in
      var encoder = codec
      let payload = SamplePayloads.letters(size: size)
      var output = ByteBuffer(capacity: size + 16)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        output.clear()
        try encoder.encode(payload, into: &output)
      }
      benchmark.stopMeasurement()
      blackHole(output)
    }
  }
}
