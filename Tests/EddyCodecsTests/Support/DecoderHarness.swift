import EddyCodecs
import EddyProtocols

/// Feeds chunks to a decoder the way a codec layer does: append, then decode until nil.
struct DecoderHarness<Decoder: FrameDecoder> {
  var decoder: Decoder
  var buffer = ByteBuffer()
  var frames: [ByteBuffer] = []

  init(_ decoder: Decoder) {
    self.decoder = decoder
  }

  mutating func feed(_ chunk: ByteBuffer) throws(CodecError) {
    if buffer.isEmpty { buffer = chunk } else { buffer.writeBuffer(chunk) }
    while let frame = try decoder.decode(&buffer) { frames.append(frame) }
  }

  mutating func finish() throws(CodecError) {
    while let frame = try decoder.decodeLast(&buffer) { frames.append(frame) }
  }

  /// Decodes `chunks` and, when `atEnd`, the end of the stream; returns the frames.
  static func decode(_ decoder: Decoder, _ chunks: [ByteBuffer], atEnd: Bool = true) throws(CodecError)
    -> [ByteBuffer]
  {
    var harness = DecoderHarness(decoder)
    for chunk in chunks { try harness.feed(chunk) }
    if atEnd { try harness.finish() }
    return harness.frames
  }
}

/// Every way to cut `bytes` in two, plus one byte at a time.
func splits(of bytes: ByteBuffer) -> [[ByteBuffer]] {
  var result: [[ByteBuffer]] = []
  for cut in 0...bytes.readableBytes {
    result.append([
      bytes.getSlice(at: 0, length: cut)!, bytes.getSlice(at: cut, length: bytes.readableBytes - cut)!,
    ])
  }
  result.append((0..<bytes.readableBytes).map { bytes.getSlice(at: $0, length: 1)! })
  return result
}

/// Encodes frames with an encoder into one buffer.
func encodeAll<Encoder: FrameEncoder>(_ encoder: Encoder, _ frames: [ByteBuffer]) throws(CodecError)
  -> ByteBuffer
{
  var encoder = encoder
  var out = ByteBuffer()
  for frame in frames { try encoder.encode(frame, into: &out) }
  return out
}

/// The CodecError a throwing call ended with, or nil when it returned.
func codecError<T>(_ body: () throws -> T) -> CodecError? {
  do {
    _ = try body()
    return nil
  } catch {
    return error as? CodecError
  }
}

/// Header bytes followed by the UTF-8 of `text`.
func buffer(_ header: [UInt8], _ text: String = "") -> ByteBuffer {
  ByteBuffer(bytes: header + Array(text.utf8))
}
