/// The container around a deflate stream.
public enum ZlibFormat: Sendable, Equatable {
  /// The zlib format (RFC 1950): a 2-byte header and an Adler-32 trailer.
  case zlib
  /// Raw deflate (RFC 1951), with no header or trailer.
  case deflate
  /// The gzip format (RFC 1952).
  case gzip

  /// The `windowBits` argument that selects this format with a window of `2^window` bytes.
  func windowBits(window: Int32) -> Int32 {
    switch self {
    case .zlib: window
    case .deflate: -window
    case .gzip: window + 16
    }
  }
}

/// Limits that stop a decompression bomb: input that expands to far more than it could honestly
/// carry. Passing either limit fails the stream with ``CodecError/decompressionLimit(_:)``.
public struct DecompressionLimit: Sendable, Equatable {
  /// The default ratio: 1024 decompressed bytes per compressed byte, about deflate's own maximum.
  public static let defaultMaxRatio = 1024
  /// The default output before the ratio is checked: 1 MiB.
  public static let defaultRatioFloor = 1024 * 1024
  /// The default output one batch of input may produce: 16 MiB and 64 KiB, room for a maximal
  /// length-prefixed frame and its header.
  public static let defaultMaxOutputPerBatch = 16 * 1024 * 1024 + 64 * 1024

  /// The most decompressed bytes per compressed byte over the whole stream.
  public var maxRatio: Int
  /// The output the stream may produce before ``maxRatio`` applies, so that small, highly
  /// compressible messages pass.
  public var ratioFloor: Int
  /// The most bytes the input at hand (one received chunk and any leftover) may decompress to
  /// before more input arrives: the output the layer above must take in one go.
  public var maxOutputPerBatch: Int

  /// Creates limits; see the static defaults.
  public init(
    maxRatio: Int = defaultMaxRatio,
    ratioFloor: Int = defaultRatioFloor,
    maxOutputPerBatch: Int = defaultMaxOutputPerBatch
  ) {
    precondition(
      maxRatio > 0 && ratioFloor >= 0 && maxOutputPerBatch > 0, "decompression limits must be positive")
    self.maxRatio = maxRatio
    self.ratioFloor = ratioFloor
    self.maxOutputPerBatch = maxOutputPerBatch
  }
}

/// How a zlib stream layer compresses and decompresses.
public struct ZlibOptions: Sendable, Equatable {
  /// The default compression level, zlib's own default (6).
  public static let defaultLevel: Int32 = -1
  /// The supported window sizes, as base-2 logarithms: 512 bytes to 32 KiB.
  public static let windowRange: ClosedRange<Int32> = 9...15
  /// The default window: 32 KiB, zlib's own default and the largest.
  public static let defaultWindow: Int32 = 15
  /// The supported memory levels of the compressor.
  public static let memoryLevelRange: ClosedRange<Int32> = 1...9
  /// The default memory level of the compressor, zlib's own default (8).
  public static let defaultMemoryLevel: Int32 = 8
  /// The default size of each decompressed chunk handed up: 64 KiB.
  public static let defaultOutputChunkSize = 64 * 1024

  /// The container format, the same in both directions.
  public var format: ZlibFormat
  /// The compression level: 0 (none) to 9 (best), or -1 for zlib's default.
  public var level: Int32
  /// The base-2 logarithm of the history window, 9 (512 bytes) to 15 (32 KiB), the same in
  /// both directions: a decoder refuses a stream compressed with a larger window.
  public var window: Int32
  /// How much memory the compressor uses for its state: 1 (least, slower) to 9 (most, fastest).
  public var memoryLevel: Int32
  /// The limits on decompressed output.
  public var limit: DecompressionLimit
  /// The most decompressed bytes handed up at once.
  public var outputChunkSize: Int

  /// Creates options; the defaults are the zlib format at the default level, window and memory
  /// level.
  public init(
    format: ZlibFormat = .zlib,
    level: Int32 = defaultLevel,
    window: Int32 = defaultWindow,
    memoryLevel: Int32 = defaultMemoryLevel,
    limit: DecompressionLimit = DecompressionLimit(),
    outputChunkSize: Int = defaultOutputChunkSize
  ) {
    precondition((-1...9).contains(level), "the compression level must be -1 or 0...9")
    precondition(Self.windowRange.contains(window), "the window must be 9...15")
    precondition(Self.memoryLevelRange.contains(memoryLevel), "the memory level must be 1...9")
    precondition(outputChunkSize > 0, "the output chunk size must be positive")
    self.format = format
    self.level = level
    self.window = window
    self.memoryLevel = memoryLevel
    self.limit = limit
    self.outputChunkSize = outputChunkSize
  }
}
