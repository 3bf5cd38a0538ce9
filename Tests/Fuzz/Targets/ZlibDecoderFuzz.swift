import EddyCodecs
import EddyProtocols

/// Drives the zlib decoder with fuzzed formats, limits and chunk sizes: on arbitrary bytes (no
/// crash, only the errors bad input may cause, output within the limits), and on data compressed
/// by the encoder, optionally with one byte damaged (undamaged, it must come back exactly).
enum ZlibDecoderFuzz {
  private static let formats: [ZlibFormat] = [.zlib, .deflate, .gzip]
  private static let ratios = [2, 16, DecompressionLimit.defaultMaxRatio]
  private static let floors = [0, 1000, DecompressionLimit.defaultRatioFloor]
  private static let batches = [1, 1000, DecompressionLimit.defaultMaxOutputPerBatch]
  private static let chunkSizes = [1, 7, 1000, ZlibOptions.defaultOutputChunkSize]

  static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
    let compressFirst = input.bool()
    let format = formats[Int(input.byte()) % formats.count]
    let chunkSize = chunkSizes[Int(input.byte()) % chunkSizes.count]
    if compressFirst {
      try compressThenDecode(format: format, chunkSize: chunkSize, &input)
      return
    }
    let limit = DecompressionLimit(
      maxRatio: ratios[Int(input.byte()) % ratios.count],
      ratioFloor: floors[Int(input.byte()) % floors.count],
      maxOutputPerBatch: batches[Int(input.byte()) % batches.count])
    let options = ZlibOptions(format: format, limit: limit, outputChunkSize: chunkSize)
    var chunker = FuzzInput([input.byte()])
    let data = input.rest()
    let decoded = try decode(options, chunker.chunks(of: data))
    let output = decoded.frames.reduce(0) { $0 + $1.count }
    let allowed = max(limit.ratioFloor, limit.maxRatio * data.count)
    try require(output <= allowed, "\(output) bytes from \(data.count) passed the limit of \(allowed)")
  }

  private static func compressThenDecode(format: ZlibFormat, chunkSize: Int, _ input: inout FuzzInput)
    throws(FuzzFailure)
  {
    let level = Int32(input.byte() % 11) - 1
    let ends = input.bool()
    let damage = input.bool() ? input.int(in: 0...65_535) : nil
    let options = ZlibOptions(format: format, level: level, outputChunkSize: chunkSize)
    var chunker = FuzzInput([input.byte()])
    let data = input.rest()
    var encoder = ZlibEncoder(options: options)
    var wire = ByteBuffer()
    do {
      for message in chunker.chunks(of: data) { try encoder.encode(ByteBuffer(bytes: message), into: &wire) }
      if ends { try encoder.encodeEnd(into: &wire) }
    } catch {
      throw FuzzFailure("compressing failed: \(error)")
    }
    encoder.release()
    var bytes = wire.bytes
    if let damage, !bytes.isEmpty { bytes[damage % bytes.count] ^= 0x5A }
    let decoded = try decode(options, chunker.chunks(of: bytes))
    guard damage == nil else { return }
    try require(
      decoded.error == nil, "decompressing what was compressed failed: \(String(describing: decoded.error))")
    try require(Array(decoded.frames.joined()) == data, "decompressed bytes differ from the original")
  }

  /// Decodes chunks; every output chunk must respect the chunk size and every error must be one
  /// bad input can cause.
  private static func decode(_ options: ZlibOptions, _ chunks: [[UInt8]]) throws(FuzzFailure)
    -> DecoderDriver<ZlibDecoder>
  {
    let decoded = try DecoderDriver(ZlibDecoder(options: options), chunks: chunks) {
      chunk, _ throws(FuzzFailure) in
      try require(!chunk.isEmpty, "an empty output chunk was handed up")
      try require(
        chunk.readableBytes <= options.outputChunkSize,
        "a \(chunk.readableBytes)-byte chunk passed the chunk size")
    }
    switch decoded.error {
    case nil, .corruptStream, .decompressionLimit, .truncatedFrame: break
    case let other?: throw FuzzFailure("unexpected error for bad input: \(other)")
    }
    return decoded
  }
}
