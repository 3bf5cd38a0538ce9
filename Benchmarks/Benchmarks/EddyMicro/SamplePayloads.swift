import EddyCodecs
import EddyProtocols

/// Deterministic message contents shared by the codec benchmarks.
enum SamplePayloads {
  /// The frame sizes the framing benchmarks use: small messages and large ones.
  static let frameSizes = [64, 64 * 1024]

  /// "64 B" or "64 KiB".
  static func sizeName(_ size: Int) -> String {
    size % 1024 == 0 ? "\(size / 1024) KiB" : "\(size) B"
  }

  /// `size` letters cycling through the alphabet: valid as a line, since it holds no `\n` or `\r`.
  static func letters(size: Int) -> ByteBuffer {
    ByteBuffer(bytes: (0..<size).lazy.map { UInt8(ascii: "a") + UInt8($0 % 26) })
  }

  /// `size` bytes of text made of words drawn from a small vocabulary by a fixed pseudo-random
  /// sequence: compressible the way protocol messages and logs are, without being a repeated block.
  static func text(size: Int, seed: UInt64) -> ByteBuffer {
    let words = [
      "event", "loop", "transport", "protocol", "buffer", "frame", "stream", "id", "status", "ok",
      "error", "count", "name", "value", "time", "bytes", "user", "request", "reply", "timeout",
    ]
    var state = seed | 1
    var buffer = ByteBuffer(capacity: size)
    while buffer.readableBytes < size {
      // xorshift64: cheap, deterministic and good enough to pick words and numbers.
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      let word = words[Int(state % UInt64(words.count))]
      let piece = state & 0x30 == 0 ? "\(word)=\(state % 10_000) " : "\(word) "
      buffer.writeString(String(piece.prefix(size - buffer.readableBytes)))
    }
    return buffer
  }

  /// The frames of `payload`, encoded `count` times back to back: the bytes a peer would send.
  static func encoded<Encoder: FrameEncoder>(
    _ payload: ByteBuffer, count: Int, with encoder: Encoder
  ) -> ByteBuffer {
    var encoder = encoder
    var wire = ByteBuffer()
    for _ in 0..<count {
      // The framing codecs refuse only frames over their limits, which these sizes are not.
      try! encoder.encode(payload, into: &wire)
    }
    return wire
  }
}
