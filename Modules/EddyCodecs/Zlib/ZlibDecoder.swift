import CZlib
import EddyProtocols

/// Decompresses one zlib, raw deflate or gzip stream, handing up the output in chunks of at most
/// ``ZlibOptions/outputChunkSize`` bytes as soon as each block of input is complete.
///
/// Damaged input fails with ``CodecError/corruptStream(_:)``, output beyond the
/// ``DecompressionLimit`` with ``CodecError/decompressionLimit(_:)``. A stream may stop at any
/// block boundary (every sync flush ends one), so end-of-file there is a clean end; end-of-file
/// inside a block, or after the final block but before the stream's trailer (its check value),
/// is a truncated frame. Bytes after the end of the stream are corrupt.
///
/// The output chunk reuses one buffer whenever the layer above has let go of the previous chunk.
/// Each copy of a decoder decodes on its own: the zlib state is created on first use, and a copy
/// that shares it with another takes its own copy before going on.
public struct ZlibDecoder: FrameDecoder {
  private var stream: OwnedZlibStream
  private let limit: DecompressionLimit
  private let chunkSize: Int
  private var output = ByteBuffer()
  private var totalInput = 0
  private var totalOutput = 0
  private var batchOutput = 0
  private var outputPending = false
  private var streamEnded = false
  private var inputSinceBoundary = 0
  /// Raw deflate has no trailer: its final block ends the stream.
  private let hasTrailer: Bool

  /// Creates a decoder for the options' format, limits and chunk size.
  public init(options: ZlibOptions = ZlibOptions()) {
    stream = OwnedZlibStream(direction: .decompress, options: options)
    limit = options.limit
    chunkSize = options.outputChunkSize
    hasTrailer = options.format != .deflate
  }

  /// False: decompressed chunks are a byte stream, not messages.
  public var decodesMessages: Bool { false }

  /// Decompresses what it can of `buffer` and returns the next chunk of output, or nil when it
  /// needs more input.
  public mutating func decode(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer? {
    if streamEnded {
      guard buffer.isEmpty else {
        throw .corruptStream("\(buffer.readableBytes) bytes after the end of the stream")
      }
      return nil
    }
    guard !buffer.isEmpty || outputPending else {
      batchOutput = 0
      return nil
    }
    let stream = try stream.unique()
    let (status, consumed) = inflate(buffer, stream)
    buffer.moveReaderIndex(forwardBy: consumed)
    try check(status, stream)
    try account(consumed: consumed, stream)
    if streamEnded && !buffer.isEmpty {
      throw .corruptStream("\(buffer.readableBytes) bytes after the end of the stream")
    }
    guard !output.isEmpty else {
      batchOutput = 0
      return nil
    }
    return output
  }

  /// Decodes what is left; end-of-file inside a block is a truncated frame, reported with the
  /// input received since the stream last stood at a block boundary at the end of a read.
  public mutating func decodeLast(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer? {
    if let chunk = try decode(&buffer) { return chunk }
    guard streamEnded || inputSinceBoundary == 0 else {
      throw .truncatedFrame(bufferedBytes: inputSinceBoundary)
    }
    return nil
  }

  /// Frees the zlib state (unless a copy still shares it).
  public mutating func release() {
    stream.release()
  }

  /// Runs inflate over `input` into a fresh chunk of ``output``, block by block.
  private mutating func inflate(_ input: ByteBuffer, _ stream: ZlibStream) -> (status: Int32, consumed: Int) {
    let state = stream.state
    let chunkSize = chunkSize
    var status = Z_OK
    var consumed = 0
    output.clear()
    input.withUnsafeReadableBytes { bytes in
      state.pointee.next_in = UnsafeMutablePointer(mutating: bytes.bindMemory(to: Bytef.self).baseAddress)
      state.pointee.avail_in = uInt(bytes.count)
      output.writeWithUnsafeMutableBytes(minimumWritableBytes: chunkSize) { space in
        state.pointee.next_out = space.bindMemory(to: Bytef.self).baseAddress
        state.pointee.avail_out = uInt(Swift.min(space.count, chunkSize))
        // Z_BLOCK stops at each block boundary, which is how a clean end is told from a truncated one.
        repeat {
          status = CZlib.inflate(state, Z_BLOCK)
        } while status == Z_OK && state.pointee.avail_in > 0 && state.pointee.avail_out > 0
        outputPending = state.pointee.avail_out == 0
        return Swift.min(space.count, chunkSize) - Int(state.pointee.avail_out)
      }
      consumed = bytes.count - Int(state.pointee.avail_in)
      state.pointee.next_in = nil
      state.pointee.avail_in = 0
      state.pointee.next_out = nil
      state.pointee.avail_out = 0
    }
    return (status, consumed)
  }

  private mutating func check(_ status: Int32, _ stream: ZlibStream) throws(CodecError) {
    switch status {
    case Z_OK, Z_BUF_ERROR:
      break
    case Z_STREAM_END:
      streamEnded = true
      outputPending = false
    case Z_NEED_DICT:
      throw .corruptStream("the stream needs a preset dictionary")
    case Z_DATA_ERROR:
      let reason = stream.state.pointee.msg.map { String(cString: $0) } ?? "invalid compressed data"
      throw .corruptStream(reason)
    default:
      throw .compressionFailed(code: status)
    }
  }

  private mutating func account(consumed: Int, _ stream: ZlibStream) throws(CodecError) {
    // Bit 7: inflate stopped at the end of a block; bit 6: that was the final block, so in the
    // zlib and gzip formats the trailer (the check value, and gzip's length) is still to come
    // and the stream may not end there.
    let dataType = stream.state.pointee.data_type
    let atBoundary = dataType & 128 != 0 && (dataType & 64 == 0 || !hasTrailer)
    inputSinceBoundary = atBoundary || streamEnded ? 0 : inputSinceBoundary + consumed
    totalInput += consumed
    totalOutput += output.readableBytes
    batchOutput += output.readableBytes
    if batchOutput > limit.maxOutputPerBatch {
      throw .decompressionLimit("input expanded to more than \(limit.maxOutputPerBatch) bytes at once")
    }
    let (allowed, overflow) = totalInput.multipliedReportingOverflow(by: limit.maxRatio)
    if totalOutput > limit.ratioFloor && !overflow && totalOutput > allowed {
      throw .decompressionLimit(
        "\(totalOutput) bytes from \(totalInput) compressed, over \(limit.maxRatio):1")
    }
  }
}
