import CSystemZlib

/// zlib's deflate called directly with nothing around it: the baseline the zlib layer's encoder
/// is measured against.
final class PlainDeflater {
  private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)

  /// Starts a zlib-format stream at `level` (-1 for zlib's default).
  init(level: Int32) {
    stream.initialize(to: z_stream())
    let status = csystemzlib_deflateInit2(stream, level, 15)
    precondition(status == Z_OK, "deflateInit2 failed: \(status)")
  }

  deinit {
    deflateEnd(stream)
    stream.deallocate()
  }

  /// Compresses `input` with `Z_SYNC_FLUSH` into `output` and returns the bytes written; `output`
  /// must have room for all of them.
  func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
    stream.pointee.avail_in = uInt(input.count)
    stream.pointee.next_out = output.bindMemory(to: Bytef.self).baseAddress
    stream.pointee.avail_out = uInt(output.count)
    let status = deflate(stream, Z_SYNC_FLUSH)
    precondition(status == Z_OK && stream.pointee.avail_out > 0, "deflate left output behind: \(status)")
    return output.count - Int(stream.pointee.avail_out)
  }
}

/// zlib's inflate called directly with nothing around it: the baseline the zlib layer's decoder
/// is measured against.
final class PlainInflater {
  private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)

  /// Starts decompressing a zlib-format stream.
  init() {
    stream.initialize(to: z_stream())
    let status = csystemzlib_inflateInit2(stream, 15)
    precondition(status == Z_OK, "inflateInit2 failed: \(status)")
  }

  deinit {
    inflateEnd(stream)
    stream.deallocate()
  }

  /// Decompresses all of `input` into `output` and returns the bytes written; `output` must have
  /// room for all of them.
  func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
    stream.pointee.avail_in = uInt(input.count)
    stream.pointee.next_out = output.bindMemory(to: Bytef.self).baseAddress
    stream.pointee.avail_out = uInt(output.count)
    let status = inflate(stream, Z_SYNC_FLUSH)
    precondition(status == Z_OK && stream.pointee.avail_in == 0, "inflate left input behind: \(status)")
    return output.count - Int(stream.pointee.avail_out)
  }
}
