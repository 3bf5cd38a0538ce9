import EddyCodecs
import EddyProtocols

/// Feeds chunks to a decoder the way a codec layer does, appending each chunk and decoding until
/// nil, then decoding the end of the stream; stops at the first error.
struct DecoderDriver<Decoder: FrameDecoder> {
  /// The frames decoded, in order.
  var frames: [[UInt8]] = []
  /// The error that stopped decoding, if one did.
  var error: CodecError?

  /// Decodes `chunks` with `decoder`, calling `check` with the buffer after every frame.
  init(
    _ decoder: Decoder, chunks: [[UInt8]],
    check: (ByteBuffer, ByteBuffer) throws(FuzzFailure) -> Void = { _, _ in }
  ) throws(FuzzFailure) {
    var decoder = decoder
    var buffer = ByteBuffer()
    do {
      for chunk in chunks {
        if buffer.isEmpty { buffer = ByteBuffer(bytes: chunk) } else { buffer.writeBytes(chunk) }
        while let frame = try decoder.decode(&buffer) {
          try check(frame, buffer)
          frames.append(frame.bytes)
        }
      }
      while let frame = try decoder.decodeLast(&buffer) {
        try check(frame, buffer)
        frames.append(frame.bytes)
      }
    } catch let codecError as CodecError {
      error = codecError
    } catch let failure as FuzzFailure {
      throw failure
    } catch {
      throw FuzzFailure("unexpected error \(error)")
    }
    decoder.release()
  }
}
