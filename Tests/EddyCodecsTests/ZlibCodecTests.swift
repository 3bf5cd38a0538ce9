import EddyCodecs
import EddyProtocols
import Testing

@Suite struct ZlibCodecTests {
  static let messages: [ByteBuffer] = [
    "hello", "hello again, hello again, hello again", ByteBuffer(bytes: (0..<5000).map { UInt8($0 % 251) }),
    "x",
  ]

  @Test(arguments: [ZlibFormat.zlib, .deflate, .gzip], [Int32(-1), 0, 1, 9])
  func everyMessageDecodesAsSoonAsItArrives(format: ZlibFormat, level: Int32) throws {
    let options = ZlibOptions(format: format, level: level)
    var encoder = ZlibEncoder(options: options)
    var harness = DecoderHarness(ZlibDecoder(options: options))
    for message in Self.messages {
      var wire = ByteBuffer()
      try encoder.encode(message, into: &wire)
      try harness.feed(wire)
      #expect(harness.frames.reduce(into: ByteBuffer()) { $0.writeBuffer($1) } == message)
      harness.frames.removeAll()
    }
    var end = ByteBuffer()
    try encoder.encodeEnd(into: &end)
    try harness.feed(end)
    try harness.finish()
    #expect(harness.frames.isEmpty)
  }

  @Test func formatsHaveTheirHeaders() throws {
    let zlib = try encodeAll(ZlibEncoder(), ["a"])
    #expect(zlib.getByte(at: 0) == 0x78)
    let gzip = try encodeAll(ZlibEncoder(options: ZlibOptions(format: .gzip)), ["a"])
    #expect(gzip.getBytes(at: 0, length: 2) == [0x1F, 0x8B])
    let raw = try encodeAll(ZlibEncoder(options: ZlibOptions(format: .deflate)), ["a"])
    #expect(raw.getByte(at: 0) != 0x78 && raw.getByte(at: 0) != 0x1F)
    #expect(raw.readableBytes < zlib.readableBytes)
  }

  @Test func everySyncFlushEndsWithTheEmptyStoredBlock() throws {
    let wire = try encodeAll(ZlibEncoder(), ["message"])
    #expect(wire.getBytes(at: wire.readableBytes - 4, length: 4) == [0, 0, 0xFF, 0xFF])
    #expect(try encodeAll(ZlibEncoder(), [ByteBuffer()]).isEmpty)
  }

  @Test func streamSplitAtEveryByteDecodesTheSame() throws {
    let wire = try encodeAll(ZlibEncoder(), ["first message\n", "second message\n"])
    for chunks in splits(of: wire) {
      let output = try DecoderHarness.decode(ZlibDecoder(), chunks).reduce(into: ByteBuffer()) {
        $0.writeBuffer($1)
      }
      #expect(output == "first message\nsecond message\n")
    }
  }

  @Test func outputComesInChunksOfTheConfiguredSize() throws {
    let payload = ByteBuffer(bytes: (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
    let wire = try encodeAll(ZlibEncoder(), [payload])
    let chunks = try DecoderHarness.decode(ZlibDecoder(options: ZlibOptions(outputChunkSize: 65_536)), [wire])
    #expect(chunks.map(\.readableBytes) == [65_536, 65_536, 65_536, 3_392])
    #expect(chunks.reduce(into: ByteBuffer()) { $0.writeBuffer($1) } == payload)
  }

  @Test func theOutputBufferIsReusedOnceReleased() throws {
    var encoder = ZlibEncoder()
    var decoder = ZlibDecoder()
    var first = ByteBuffer()
    try encoder.encode("first", into: &first)
    let firstAddress = try #require(try decoder.decode(&first)).withUnsafeReadableBytes { $0.baseAddress }
    #expect(try decoder.decode(&first) == nil)
    var second = ByteBuffer()
    try encoder.encode("second", into: &second)
    let chunk = try #require(try decoder.decode(&second))
    #expect(chunk == "second")
    #expect(chunk.withUnsafeReadableBytes { $0.baseAddress } == firstAddress)
  }

  @Test func corruptInputIsRefused() {
    #expect(
      codecError { try DecoderHarness.decode(ZlibDecoder(), ["this is not zlib"]) }
        == .corruptStream("incorrect header check"))
    var badBlock = (try? encodeAll(ZlibEncoder(), ["some text that compresses"])) ?? ByteBuffer()
    badBlock.withUnsafeMutableReadableBytes { $0[2] = 0xFF }
    #expect(
      codecError { try DecoderHarness.decode(ZlibDecoder(), [badBlock]) }
        == .corruptStream("invalid block type"))
  }

  @Test func aDamagedChecksumIsRefused() throws {
    var encoder = ZlibEncoder()
    var wire = ByteBuffer()
    try encoder.encode("checked text", into: &wire)
    try encoder.encodeEnd(into: &wire)
    wire.withUnsafeMutableReadableBytes { $0[$0.count - 1] ^= 0xFF }
    #expect(
      codecError { try DecoderHarness.decode(ZlibDecoder(), [wire]) }
        == .corruptStream("incorrect data check"))
  }

  @Test func bytesAfterTheEndOfTheStreamAreCorrupt() throws {
    var encoder = ZlibEncoder()
    var wire = ByteBuffer()
    try encoder.encode("done", into: &wire)
    try encoder.encodeEnd(into: &wire)
    wire.writeString("extra")
    #expect(
      codecError { try DecoderHarness.decode(ZlibDecoder(), [wire]) }
        == .corruptStream("5 bytes after the end of the stream"))
  }

  @Test func endOfFileInsideABlockIsTruncatedButAtABoundaryIsClean() throws {
    let wire = try encodeAll(ZlibEncoder(), ["a message long enough to cut somewhere in its middle"])
    #expect(codecError { try DecoderHarness.decode(ZlibDecoder(), [wire]) } == nil)
    #expect(codecError { try DecoderHarness.decode(ZlibDecoder(), [ByteBuffer()]) } == nil)
    let cut = wire.getSlice(at: 0, length: wire.readableBytes - 6)!
    let error = codecError { try DecoderHarness.decode(ZlibDecoder(), [cut]) }
    #expect(error == .truncatedFrame(bufferedBytes: cut.readableBytes))
    #expect(
      codecError { try DecoderHarness.decode(ZlibDecoder(), [[0x78]]) } == .truncatedFrame(bufferedBytes: 1))
  }

  @Test func aBombOfOneHundredMebibytesIsRefusedWithBoundedOutput() throws {
    var encoder = ZlibEncoder(options: ZlibOptions(level: 9))
    let zeros = ByteBuffer(bytes: [UInt8](repeating: 0, count: 1 << 20))
    var bomb = ByteBuffer()
    for _ in 0..<100 { try encoder.encode(zeros, into: &bomb) }
    #expect(bomb.readableBytes < 200_000)
    var decoder = ZlibDecoder()
    var produced = 0
    let error = codecError {
      while let chunk = try decoder.decode(&bomb) { produced += chunk.readableBytes }
    }
    #expect(error.map(Self.isDecompressionLimit) == true)
    #expect(produced <= DecompressionLimit.defaultMaxOutputPerBatch)
  }

  @Test func aBombTrickledInSmallPiecesTripsTheRatio() throws {
    var encoder = ZlibEncoder()
    var bomb = ByteBuffer()
    for _ in 0..<16 {
      try encoder.encode(ByteBuffer(bytes: [UInt8](repeating: 0, count: 1 << 20)), into: &bomb)
    }
    let limit = DecompressionLimit(maxRatio: 100, ratioFloor: 1 << 20)
    var harness = DecoderHarness(ZlibDecoder(options: ZlibOptions(limit: limit)))
    var fed = 0
    let error = codecError {
      while let piece = bomb.readSlice(length: Swift.min(256, bomb.readableBytes)), !piece.isEmpty {
        fed += piece.readableBytes
        try harness.feed(piece)
      }
    }
    #expect(error.map(Self.isDecompressionLimit) == true)
    let produced = harness.frames.reduce(0) { $0 + $1.readableBytes }
    #expect(produced <= (1 << 20) + 100 * fed)
  }

  @Test func highlyCompressibleMessagesUnderTheLimitsPass() throws {
    let payload = ByteBuffer(bytes: [UInt8](repeating: 0x41, count: 64 * 1024))
    let wire = try encodeAll(ZlibEncoder(), Array(repeating: payload, count: 8))
    let output = try DecoderHarness.decode(ZlibDecoder(), [wire]).reduce(0) { $0 + $1.readableBytes }
    #expect(output == 8 * 64 * 1024)
  }

  @Test func releasingTwiceIsHarmless() {
    var decoder = ZlibDecoder()
    decoder.release()
    decoder.release()
    var encoder = ZlibEncoder()
    encoder.release()
    encoder.release()
  }

  private static func isDecompressionLimit(_ error: CodecError) -> Bool {
    if case .decompressionLimit = error { return true }
    return false
  }
}
