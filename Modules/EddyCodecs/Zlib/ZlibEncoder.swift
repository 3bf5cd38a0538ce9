import CZlib
import EddyProtocols

/// Compresses a byte stream into one zlib, raw deflate or gzip stream, flushing after every
/// write (`Z_SYNC_FLUSH`) so the peer can decompress each write as soon as it arrives.
///
/// Each copy of an encoder encodes on its own: the zlib state is created on first use, and a copy
/// that shares it with another takes its own copy before going on.
public struct ZlibEncoder: FrameEncoder {
  private var stream: OwnedZlibStream
  private var finished = false

  /// Creates an encoder for the options' format and level.
  public init(options: ZlibOptions = ZlibOptions()) {
    stream = OwnedZlibStream(direction: .compress, options: options)
  }

  /// Appends `frame` compressed and sync-flushed; an empty frame appends nothing.
  public mutating func encode(_ frame: ByteBuffer, into buffer: inout ByteBuffer) throws(CodecError) {
    guard !frame.isEmpty else { return }
    guard !finished else { throw .invalidFrame("the compressed stream has already ended") }
    try deflate(frame, flush: Z_SYNC_FLUSH, into: &buffer)
  }

  /// Appends the end of the compressed stream (its trailer); later frames are refused.
  public mutating func encodeEnd(into buffer: inout ByteBuffer) throws(CodecError) {
    guard !finished else { return }
    finished = true
    try deflate(ByteBuffer(), flush: Z_FINISH, into: &buffer)
  }

  /// Frees the zlib state (unless a copy still shares it).
  public mutating func release() {
    stream.release()
  }

  private mutating func deflate(
    _ input: ByteBuffer, flush: Int32, into buffer: inout ByteBuffer
  ) throws(CodecError) {
    let state = try stream.unique().state
    var status = Z_OK
    input.withUnsafeReadableBytes { bytes in
      state.pointee.next_in = UnsafeMutablePointer(mutating: bytes.bindMemory(to: Bytef.self).baseAddress)
      state.pointee.avail_in = uInt(bytes.count)
      var more = true
      while more {
        let bound = Int(deflateBound(state, uLong(state.pointee.avail_in))) + 16
        var outputFull = false
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { output in
          state.pointee.next_out = output.bindMemory(to: Bytef.self).baseAddress
          state.pointee.avail_out = uInt(output.count)
          status = CZlib.deflate(state, flush)
          outputFull = state.pointee.avail_out == 0
          return output.count - Int(state.pointee.avail_out)
        }
        switch status {
        case Z_OK:
          more = outputFull || flush == Z_FINISH
        case Z_BUF_ERROR where flush != Z_FINISH:
          // Nothing was left to compress or flush.
          status = Z_OK
          more = false
        default:
          more = false
        }
      }
      state.pointee.next_in = nil
      state.pointee.avail_in = 0
    }
    guard status == Z_OK || status == Z_STREAM_END else { throw .compressionFailed(code: status) }
  }
}
