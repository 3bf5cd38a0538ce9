import EddyCodecs
import EddyProtocols
import Testing

@Suite struct LineCodecTests {
  @Test func decodesLinesAndStripsCarriageReturns() throws {
    let frames = try DecoderHarness.decode(LineCodec(), ["one\ntwo\r\n\nthree\r\r\n"])
    #expect(frames == ["one", "two", "", "three\r"])
  }

  @Test func keepsCarriageReturnsWhenAsked() throws {
    let frames = try DecoderHarness.decode(LineCodec(stripsCarriageReturn: false), ["a\r\nb\n"])
    #expect(frames == ["a\r", "b"])
  }

  @Test func customMultiByteDelimiter() throws {
    let codec = LineCodec(delimiter: Array("||".utf8), stripsCarriageReturn: false)
    let frames = try DecoderHarness.decode(codec, ["a|b||c|||d||"])
    #expect(frames == ["a|b", "c", "|d"])
    #expect(try encodeAll(codec, ["x", ""]) == "x||||")
  }

  @Test func everySplitGivesTheSameLines() throws {
    let wire: ByteBuffer = "alpha\r\nbeta\n\ngamma\r\n"
    for chunks in splits(of: wire) {
      #expect(try DecoderHarness.decode(LineCodec(), chunks) == ["alpha", "beta", "", "gamma"])
    }
    let multi = LineCodec(delimiter: Array("\r\n--\r\n".utf8), stripsCarriageReturn: false)
    let multiWire: ByteBuffer = "part one\r\n--\r\npart\r\n-two\r\n--\r\n"
    for chunks in splits(of: multiWire) {
      #expect(try DecoderHarness.decode(multi, chunks) == ["part one", "part\r\n-two"])
    }
  }

  @Test func manyLinesInOneChunkAreSlicesOfIt() throws {
    var wire = ByteBuffer()
    for index in 0..<1000 { wire.writeString("line \(index)\n") }
    let frames = try DecoderHarness.decode(LineCodec(), [wire])
    #expect(frames.count == 1000)
    #expect(frames[999] == "line 999")
    #expect(frames.allSatisfy { $0.sharesStorage(with: wire) })
  }

  @Test func lineOfExactlyTheMaximumIsAcceptedAndOneMoreIsRefused() throws {
    let codec = LineCodec(maxLength: 8)
    #expect(try DecoderHarness.decode(codec, ["12345678\n"]) == ["12345678"])
    #expect(try DecoderHarness.decode(codec, ["12345678\r\n"]) == ["12345678"])
    #expect(codecError { try DecoderHarness.decode(codec, ["123456789\n"]) } == .lineTooLong(maxLength: 8))
    #expect(codecError { try DecoderHarness.decode(codec, ["123456789\r\n"]) } == .lineTooLong(maxLength: 8))
  }

  @Test func anEndlessLineFailsAsSoonAsItPassesTheMaximum() throws {
    var harness = DecoderHarness(LineCodec(maxLength: 8))
    // Nine bytes might still be eight and a carriage return.
    try harness.feed("123456789")
    #expect(codecError { try harness.feed("0") } == .lineTooLong(maxLength: 8))
    var strict = DecoderHarness(LineCodec(stripsCarriageReturn: false, maxLength: 8))
    try strict.feed("12345678")
    #expect(codecError { try strict.feed("9") } == .lineTooLong(maxLength: 8))
  }

  @Test func anEndlessLineIsRefusedWithBoundedMemory() {
    var harness = DecoderHarness(LineCodec())
    let chunk = ByteBuffer(bytes: [UInt8](repeating: UInt8(ascii: "a"), count: 1024))
    var fed = 0
    let error = codecError {
      while fed < 1024 {
        fed += 1
        try harness.feed(chunk)
      }
    }
    #expect(error == .lineTooLong(maxLength: LineCodec.defaultMaxLength))
    #expect(fed == 65)
    #expect(harness.buffer.readableBytes <= LineCodec.defaultMaxLength + 1024)
  }

  @Test func aLongLineFedOneByteAtATimeIsFound() throws {
    var harness = DecoderHarness(LineCodec(maxLength: 70_000))
    let one: ByteBuffer = "x"
    for _ in 0..<65_536 { try harness.feed(one) }
    #expect(harness.frames.isEmpty)
    try harness.feed("\n")
    #expect(harness.frames.count == 1)
    #expect(harness.frames[0].readableBytes == 65_536)
  }

  @Test func endOfStreamInsideALineIsATruncatedFrame() {
    #expect(
      codecError { try DecoderHarness.decode(LineCodec(), ["done\npartial"]) }
        == .truncatedFrame(bufferedBytes: 7))
    #expect(codecError { try DecoderHarness.decode(LineCodec(), ["done\n"]) } == nil)
  }

  @Test func encoderAppendsTheDelimiter() throws {
    #expect(try encodeAll(LineCodec(), ["a", "", "b c"]) == "a\n\nb c\n")
    #expect(try encodeAll(LineCodec(delimiter: Array("\r\n".utf8)), ["a"]) == "a\r\n")
  }
}
