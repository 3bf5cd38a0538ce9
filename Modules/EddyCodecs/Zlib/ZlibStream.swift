import CZlib

/// One zlib compression or decompression state, at a stable address as zlib requires, freed
/// exactly once by ``end()`` (or when the object goes away).
final class ZlibStream {
  enum Direction {
    case compress
    case decompress
  }

  let direction: Direction
  let state: UnsafeMutablePointer<z_stream>
  /// zlib's error when initialisation failed; every use then throws it.
  private let initFailure: Int32?
  private(set) var isEnded = false

  init(direction: Direction, format: ZlibFormat, level: Int32) {
    self.direction = direction
    state = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    state.initialize(to: z_stream())
    let status =
      switch direction {
      case .compress: czlib_deflateInit2(state, level, format.windowBits)
      case .decompress: czlib_inflateInit2(state, format.windowBits)
      }
    initFailure = status == Z_OK ? nil : status
    isEnded = initFailure != nil
  }

  deinit {
    end()
    state.deallocate()
  }

  /// Throws when the stream could not be initialised; traps when used after ``end()``.
  func checkUsable() throws(CodecError) {
    if let initFailure { throw .compressionFailed(code: initFailure) }
    precondition(!isEnded, "a zlib stream was used after it was released")
  }

  /// Frees zlib's state; later calls do nothing.
  func end() {
    guard !isEnded else { return }
    isEnded = true
    switch direction {
    case .compress: deflateEnd(state)
    case .decompress: inflateEnd(state)
    }
  }
}
