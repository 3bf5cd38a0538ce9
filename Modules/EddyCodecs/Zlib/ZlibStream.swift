import CZlib

/// One zlib compression or decompression state, at a stable address as zlib requires, freed
/// exactly once by ``end()`` (or when the object goes away).
///
/// A stream is a reference: the encoder and decoder that hold one copy it (``init(copying:)``)
/// before they change it while another value shares it, so their copies stay independent.
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

  init(direction: Direction, options: ZlibOptions) {
    self.direction = direction
    state = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    state.initialize(to: z_stream())
    let windowBits = options.format.windowBits(window: options.window)
    let status =
      switch direction {
      case .compress: czlib_deflateInit2(state, options.level, windowBits, options.memoryLevel)
      case .decompress: czlib_inflateInit2(state, windowBits)
      }
    initFailure = status == Z_OK ? nil : status
    isEnded = initFailure != nil
  }

  /// A stream in the same state as `other`, with its own zlib state from here on.
  init(copying other: ZlibStream) {
    direction = other.direction
    state = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    state.initialize(to: z_stream())
    if let failure = other.initFailure {
      initFailure = failure
    } else {
      precondition(!other.isEnded, "a zlib stream was used after it was released")
      let status =
        switch direction {
        case .compress: deflateCopy(state, other.state)
        case .decompress: inflateCopy(state, other.state)
        }
      initFailure = status == Z_OK ? nil : status
    }
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
