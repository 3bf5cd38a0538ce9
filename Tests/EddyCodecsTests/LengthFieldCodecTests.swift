import EddyCodecs
import EddyProtocols
import Testing

@Suite struct LengthFieldCodecTests {
  @Test func defaultIsAFourByteBigEndianPayloadLength() throws {
    let wire = try encodeAll(LengthFieldCodec(), ["hello", ""])
    #expect(wire.bytes == [0, 0, 0, 5] + Array("hello".utf8) + [0, 0, 0, 0])
    #expect(try DecoderHarness.decode(LengthFieldCodec(), [wire]) == ["hello", ""])
  }

  @Test(arguments: LengthFieldCodec.supportedFieldLengths, [Endianness.big, .little])
  func everyFieldLengthAndByteOrderRoundTrips(fieldLength: Int, endianness: Endianness) throws {
    let codec = LengthFieldCodec(lengthFieldLength: fieldLength, endianness: endianness)
    let payload = ByteBuffer(bytes: (0..<200).map { UInt8($0) })
    let wire = try encodeAll(codec, [payload, "", "x"])
    var header = [UInt8](repeating: 0, count: fieldLength)
    header[endianness == .big ? fieldLength - 1 : 0] = 200
    #expect(wire.getBytes(at: 0, length: fieldLength) == header)
    #expect(wire.readableBytes == 3 * fieldLength + 201)
    for chunks in splits(of: wire) {
      #expect(try DecoderHarness.decode(codec, chunks) == [payload, "", "x"])
    }
  }

  @Test func threeByteFieldsCarryLargeLengths() throws {
    let big = LengthFieldCodec(lengthFieldLength: 3)
    let little = LengthFieldCodec(lengthFieldLength: 3, endianness: .little)
    let payload = ByteBuffer(bytes: [UInt8](repeating: 7, count: 0x01_0203))
    #expect(try encodeAll(big, [payload]).getBytes(at: 0, length: 3) == [1, 2, 3])
    #expect(try encodeAll(little, [payload]).getBytes(at: 0, length: 3) == [3, 2, 1])
    #expect(try DecoderHarness.decode(little, [try encodeAll(little, [payload])]) == [payload])
  }

  @Test func keepingTheHeader() throws {
    let codec = LengthFieldCodec(lengthFieldLength: 2, initialBytesToStrip: 0)
    let wire: ByteBuffer = buffer([0, 12], "HELLO, WORLD")
    #expect(try DecoderHarness.decode(codec, [wire]) == [wire])
  }

  @Test func lengthCountingTheHeaderIsAdjusted() throws {
    let codec = LengthFieldCodec(lengthFieldLength: 2, lengthAdjustment: -2)
    let wire: ByteBuffer = buffer([0, 14], "HELLO, WORLD")
    #expect(try DecoderHarness.decode(codec, [wire]) == ["HELLO, WORLD"])
    #expect(try encodeAll(codec, ["HELLO, WORLD"]) == wire)
  }

  @Test func fieldAfterALeadingHeader() throws {
    let codec = LengthFieldCodec(lengthFieldLength: 3, lengthFieldOffset: 2, initialBytesToStrip: 0)
    let wire: ByteBuffer = buffer([0xCA, 0xFE, 0, 0, 12], "HELLO, WORLD")
    #expect(try DecoderHarness.decode(codec, [wire]) == [wire])
    let stripping = LengthFieldCodec(lengthFieldLength: 3, lengthFieldOffset: 2)
    #expect(try DecoderHarness.decode(stripping, [wire]) == ["HELLO, WORLD"])
    #expect(try encodeAll(codec, [buffer([0xCA, 0xFE, 9, 9, 9], "HELLO, WORLD")]) == wire)
    #expect(try encodeAll(stripping, ["HELLO, WORLD"]) == buffer([0, 0, 0, 0, 12], "HELLO, WORLD"))
  }

  @Test func headerBetweenFieldAndContent() throws {
    let codec = LengthFieldCodec(lengthFieldLength: 3, lengthAdjustment: 2, initialBytesToStrip: 0)
    let wire: ByteBuffer = buffer([0, 0, 12, 0xCA, 0xFE], "HELLO, WORLD")
    #expect(try DecoderHarness.decode(codec, [wire]) == [wire])
  }

  @Test func offsetAdjustmentAndStripTogether() throws {
    let codec = LengthFieldCodec(
      lengthFieldLength: 2, lengthFieldOffset: 1, lengthAdjustment: 1, initialBytesToStrip: 3)
    let wire: ByteBuffer = buffer([0xCA, 0, 12, 0xFE], "HELLO, WORLD")
    for chunks in splits(of: wire) {
      #expect(try DecoderHarness.decode(codec, chunks) == [buffer([0xFE], "HELLO, WORLD")])
    }
  }

  @Test func frameOfExactlyTheMaximumIsAcceptedAndOneMoreRefusedFromTheHeader() throws {
    let codec = LengthFieldCodec(maxFrameLength: 16)
    let exact = ByteBuffer(bytes: [UInt8](repeating: 1, count: 16))
    #expect(try DecoderHarness.decode(codec, [try encodeAll(codec, [exact])]) == [exact])
    var harness = DecoderHarness(codec)
    #expect(codecError { try harness.feed([0, 0, 0, 17]) } == .frameTooLarge(length: 17, maxLength: 16))
  }

  @Test func defaultMaximumIsSixteenMebibytes() {
    var harness = DecoderHarness(LengthFieldCodec())
    #expect(codecError { try harness.feed([0, 0, 0, 0]) } == nil)
    #expect(codecError { try harness.feed([0x01, 0, 0, 0]) } == nil)
    #expect(harness.buffer.readableBytes == 4)
    var refusing = DecoderHarness(LengthFieldCodec())
    #expect(
      codecError { try refusing.feed([0x01, 0, 0, 1]) }
        == .frameTooLarge(length: 16_777_217, maxLength: 16_777_216))
  }

  @Test func hugeEightByteLengthsAreRefusedWithoutOverflow() {
    var harness = DecoderHarness(LengthFieldCodec(lengthFieldLength: 8))
    let error = codecError { try harness.feed(ByteBuffer(bytes: [UInt8](repeating: 0xFF, count: 8))) }
    #expect(error == .frameTooLarge(length: .max, maxLength: LengthFieldCodec.defaultMaxFrameLength))
  }

  @Test func negativeLengthsAndOverStrippingAreCorrupt() {
    let negative = LengthFieldCodec(lengthFieldLength: 1, lengthAdjustment: -4)
    #expect(
      codecError { try DecoderHarness.decode(negative, [[2, 0, 0]]) }
        == .corruptStream("length field 2 with adjustment -4 gives a negative length"))
    let overStrip = LengthFieldCodec(lengthFieldLength: 1, initialBytesToStrip: 4)
    #expect(
      codecError { try DecoderHarness.decode(overStrip, [[2, 0, 0]]) }
        == .corruptStream("a 3-byte frame is shorter than the 4 bytes to strip"))
  }

  @Test func zeroLengthFramesInARow() throws {
    let frames = try DecoderHarness.decode(LengthFieldCodec(lengthFieldLength: 1), [[0, 0, 0, 1, 9, 0]])
    #expect(frames == ["", "", "", [9], ""])
  }

  @Test func manyFramesInOneChunkAreSlicesOfIt() throws {
    let codec = LengthFieldCodec()
    let wire = try encodeAll(codec, (0..<500).map { ByteBuffer(string: "frame \($0)") })
    let frames = try DecoderHarness.decode(codec, [wire])
    #expect(frames.count == 500)
    #expect(frames[499] == "frame 499")
    #expect(frames.allSatisfy { $0.sharesStorage(with: wire) })
  }

  @Test func endOfStreamInsideAFrameIsATruncatedFrame() {
    #expect(
      codecError { try DecoderHarness.decode(LengthFieldCodec(), [[0, 0]]) }
        == .truncatedFrame(bufferedBytes: 2))
    #expect(
      codecError { try DecoderHarness.decode(LengthFieldCodec(), [[0, 0, 0, 3, 1, 2]]) }
        == .truncatedFrame(bufferedBytes: 6))
  }

  @Test func encoderRefusesWhatTheHeaderCannotCarry() {
    #expect(
      codecError { try encodeAll(LengthFieldCodec(maxFrameLength: 3), ["four"]) }
        == .frameTooLarge(length: 4, maxLength: 3))
    #expect(
      codecError {
        try encodeAll(
          LengthFieldCodec(lengthFieldLength: 1), [ByteBuffer(bytes: [UInt8](repeating: 0, count: 256))])
      }
        == .invalidFrame("a 256-byte payload does not fit a 1-byte length field"))
    #expect(
      codecError { try encodeAll(LengthFieldCodec(lengthFieldOffset: 2, initialBytesToStrip: 1), ["x"]) }
        == .invalidFrame("a frame must start with the 5 header bytes that decoding keeps"))
    #expect(
      codecError { try encodeAll(LengthFieldCodec(lengthAdjustment: 3), ["x"]) }
        == .invalidFrame("a 1-byte payload does not fit a 4-byte length field"))
  }
}
