import EddyCodecs
import EddyProtocols
import EddyTesting
import Testing

/// The zlib decoder under the decoder verifier, in each of its formats, over streams compressed
/// here with the project's encoder. Decompressed output is a byte stream, so the verifier compares
/// it joined whatever the chunks.
@Suite struct ZlibDecoderVerificationTests {
  typealias Example = DecoderVerifier<ZlibDecoder>.Example

  static let writes: [ByteBuffer] = [
    "hello", "hello again, hello again, hello again",
    ByteBuffer(bytes: (0..<600).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 2) }), "x",
  ]

  static var plaintext: ByteBuffer {
    writes.reduce(into: ByteBuffer()) { $0.writeBuffer($1) }
  }

  /// The writes compressed with one sync flush each, then the stream's end when `ended`.
  private static func compressed(_ options: ZlibOptions, ended: Bool) throws -> ByteBuffer {
    var encoder = ZlibEncoder(options: options)
    defer { encoder.release() }
    var wire = ByteBuffer()
    for write in writes { try encoder.encode(write, into: &wire) }
    if ended { try encoder.encodeEnd(into: &wire) }
    return wire
  }

  private func failures(_ options: ZlibOptions, _ examples: [Example]) -> [String] {
    DecoderVerifier(randomFeedings: 16) { ZlibDecoder(options: options) }.firstFailures(for: examples)
  }

  private static func isTruncated(_ failure: CodecError) -> Bool {
    if case .truncatedFrame = failure { return true }
    return false
  }

  @Test(arguments: [ZlibFormat.zlib, .gzip, .deflate])
  func aWholeStream(format: ZlibFormat) throws {
    let options = ZlibOptions(format: format)
    let found = failures(
      options, [Example(input: try Self.compressed(options, ended: true), expected: [Self.plaintext])])
    #expect(found.isEmpty)
  }

  @Test(arguments: [ZlibFormat.zlib, .gzip, .deflate])
  func aStreamThatStopsAtASyncFlush(format: ZlibFormat) throws {
    let options = ZlibOptions(format: format)
    let found = failures(
      options, [Example(input: try Self.compressed(options, ended: false), expected: [Self.plaintext])])
    #expect(found.isEmpty)
  }

  @Test(arguments: [ZlibFormat.zlib, .gzip, .deflate])
  func outputInSmallChunks(format: ZlibFormat) throws {
    let options = ZlibOptions(format: format, outputChunkSize: 7)
    let found = failures(
      options, [Example(input: try Self.compressed(options, ended: true), expected: [Self.plaintext])])
    #expect(found.isEmpty)
  }

  @Test(arguments: [ZlibFormat.zlib, .gzip, .deflate])
  func aStreamCutInsideABlockIsTruncated(format: ZlibFormat) throws {
    let options = ZlibOptions(format: format)
    var encoder = ZlibEncoder(options: options)
    defer { encoder.release() }
    var wire = ByteBuffer()
    try encoder.encode(Self.writes[0], into: &wire)
    let lastBlockStart = wire.readableBytes
    try encoder.encode(Self.writes[2], into: &wire)
    // Half of the last write's block: it never ends.
    let cut = wire.getSlice(at: 0, length: (lastBlockStart + wire.readableBytes) / 2)!
    // What the cut stream still decodes to is the same whatever the chunking; how many bytes the
    // truncation reports depends on where the chunks fell, so any truncation is accepted.
    let prefix = try decodedWhole(cut, options)
    let found = failures(
      options, [Example(input: cut, expected: [prefix], ending: .anyFailure(where: Self.isTruncated))])
    #expect(found.isEmpty)
    #expect(prefix.readableBytes > Self.writes[0].readableBytes)
    #expect(prefix.readableBytes < Self.writes[0].readableBytes + Self.writes[2].readableBytes)
  }

  @Test(arguments: [ZlibFormat.zlib, .gzip])
  func aStreamCutInsideItsTrailerIsTruncated(format: ZlibFormat) throws {
    let options = ZlibOptions(format: format)
    let whole = try Self.compressed(options, ended: true)
    let cut = whole.getSlice(at: 0, length: whole.readableBytes - 2)!
    let found = failures(
      options, [Example(input: cut, expected: [Self.plaintext], ending: .anyFailure(where: Self.isTruncated))]
    )
    #expect(found.isEmpty)
  }

  @Test(arguments: [ZlibFormat.zlib, .gzip])
  func aStreamMissingItsWholeTrailerIsTruncated(format: ZlibFormat) throws {
    let options = ZlibOptions(format: format)
    let whole = try Self.compressed(options, ended: true)
    // The final block is complete, but its check value (and gzip's length) never arrives.
    let cut = whole.getSlice(at: 0, length: whole.readableBytes - (format == .gzip ? 8 : 4))!
    let found = failures(
      options, [Example(input: cut, expected: [Self.plaintext], ending: .anyFailure(where: Self.isTruncated))]
    )
    // End-of-file right after the final block is not a block boundary to end at: the check
    // value must come.
    #expect(found.isEmpty, "\(found)")
  }

  /// What one decoder makes of `input` fed whole, before it ends.
  private func decodedWhole(_ input: ByteBuffer, _ options: ZlibOptions) throws -> ByteBuffer {
    var decoder = ZlibDecoder(options: options)
    defer { decoder.release() }
    var buffer = input
    var output = ByteBuffer()
    while let chunk = try decoder.decode(&buffer) { output.writeBuffer(chunk) }
    return output
  }
}
