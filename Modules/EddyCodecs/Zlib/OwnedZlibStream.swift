/// The zlib stream of one encoder or decoder value: created on first use, and copied before use
/// whenever another value shares it, so every copy of a codec works on a stream of its own.
struct OwnedZlibStream {
  private let direction: ZlibStream.Direction
  private let options: ZlibOptions
  private var stream: ZlibStream?
  private var isReleased = false

  init(direction: ZlibStream.Direction, options: ZlibOptions) {
    self.direction = direction
    self.options = options
  }

  /// The stream, this value's alone; throws when zlib could not initialise it.
  mutating func unique() throws(CodecError) -> ZlibStream {
    precondition(!isReleased, "a zlib stream was used after it was released")
    if let shared = stream {
      if !isKnownUniquelyReferenced(&stream) { stream = ZlibStream(copying: shared) }
    } else {
      stream = ZlibStream(direction: direction, options: options)
    }
    let owned = stream!
    try owned.checkUsable()
    return owned
  }

  /// Frees zlib's state when no other value shares it, and lets go of the stream; later use traps.
  mutating func release() {
    if isKnownUniquelyReferenced(&stream) { stream?.end() }
    stream = nil
    isReleased = true
  }
}
