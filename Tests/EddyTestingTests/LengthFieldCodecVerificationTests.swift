import EddyCodecs
import EddyProtocols
import EddyTesting
import Testing

/// The length-field codec under the decoder verifier: every field width in both byte orders, and
/// headers with leading bytes, adjusted lengths and partial stripping. The wire bytes are built
/// here by hand, not by the codec's encoder.
@Suite struct LengthFieldCodecVerificationTests {
  typealias Example = DecoderVerifier<LengthFieldCodec>.Example

  static let payloads: [ByteBuffer] = [
    "", "a", "hello, world", ByteBuffer(bytes: (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37) }),
  ]

  /// A length field of `width` bytes holding `value`.
  private static func field(_ value: Int, width: Int, _ endianness: Endianness) -> [UInt8] {
    let bytes = (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    return endianness == .little ? bytes : bytes.reversed()
  }

  private static func joined(_ parts: [[UInt8]]) -> ByteBuffer {
    ByteBuffer(bytes: parts.flatMap { $0 })
  }

  /// The first few failures, in words.
  private func failures(_ codec: LengthFieldCodec, _ examples: [Example]) -> [String] {
    DecoderVerifier { codec }.firstFailures(for: examples)
  }

  @Test(arguments: [1, 2, 3, 4, 8], [Endianness.big, .little])
  func plainLengthPrefixes(width: Int, endianness: Endianness) {
    let codec = LengthFieldCodec(lengthFieldLength: width, endianness: endianness)
    let frames = Self.payloads.map { Self.field($0.readableBytes, width: width, endianness) + $0.bytes }
    let partialHeader = Array(Self.field(0, width: width, endianness).prefix(width - 1))
    let examples: [Example] = [
      Example(input: Self.joined(frames), expected: Self.payloads),
      Example(
        input: Self.joined(frames + [Array(frames[2].prefix(width + 3))]), expected: Self.payloads,
        ending: .failure(.truncatedFrame(bufferedBytes: width + 3))),
      Example(
        input: Self.joined(frames + [partialHeader]), expected: Self.payloads,
        ending: partialHeader.isEmpty ? .clean : .failure(.truncatedFrame(bufferedBytes: width - 1))),
    ]
    let found = failures(codec, examples)
    #expect(found.isEmpty)
  }

  @Test(arguments: [1, 2, 4, 8], [Endianness.big, .little])
  func aLengthOverTheMaximumFailsAsSoonAsTheHeaderIsIn(width: Int, endianness: Endianness) {
    let codec = LengthFieldCodec(lengthFieldLength: width, endianness: endianness, maxFrameLength: 100)
    let input = Self.joined([
      Self.field(3, width: width, endianness), Array("abc".utf8), Self.field(101, width: width, endianness),
    ])
    let found = failures(
      codec,
      [
        Example(
          input: input, expected: ["abc"], ending: .failure(.frameTooLarge(length: 101, maxLength: 100)))
      ])
    #expect(found.isEmpty)
  }

  @Test func leadingBytesAndAWholeFrameLengthKeptWhole() {
    // Two magic bytes, then a big-endian length counting the whole frame; nothing stripped.
    let codec = LengthFieldCodec(
      lengthFieldLength: 2, lengthFieldOffset: 2, lengthAdjustment: -4, initialBytesToStrip: 0)
    let first = Array("HD".utf8) + [0, 9] + Array("hello".utf8)
    let second = Array("HD".utf8) + [0, 4]
    let found = failures(
      codec,
      [
        Example(
          input: Self.joined([first, second]),
          expected: [ByteBuffer(bytes: first), ByteBuffer(bytes: second)])
      ])
    #expect(found.isEmpty)
  }

  @Test func aPositiveAdjustmentAndTheHeaderStripped() {
    // One type byte, a little-endian length of the body alone, then the body and a 2-byte check.
    let codec = LengthFieldCodec(
      lengthFieldLength: 4, endianness: .little, lengthFieldOffset: 1, lengthAdjustment: 2)
    let frame = [7] + Self.field(3, width: 4, .little) + Array("abc".utf8) + [0xCA, 0xFE]
    let empty = [8] + Self.field(0, width: 4, .little) + [0, 0]
    let body = ByteBuffer(bytes: Array("abc".utf8) + [0xCA, 0xFE])
    let found = failures(
      codec, [Example(input: Self.joined([frame, empty, frame]), expected: [body, [0, 0], body])])
    #expect(found.isEmpty)
  }

  @Test func strippingPartOfTheHeader() {
    // Drop the leading byte only: the length field stays at the front of each frame.
    let codec = LengthFieldCodec(lengthFieldLength: 2, lengthFieldOffset: 1, initialBytesToStrip: 1)
    let frame = [0xFF, 0, 2] + Array("hi".utf8)
    let found = failures(
      codec,
      [
        Example(
          input: Self.joined([frame, frame]),
          expected: Array(repeating: ByteBuffer(bytes: [0, 2] + Array("hi".utf8)), count: 2)),
        Example(
          input: Self.joined([frame, [0xFF]]), expected: [ByteBuffer(bytes: [0, 2] + Array("hi".utf8))],
          ending: .failure(.truncatedFrame(bufferedBytes: 1))),
      ])
    #expect(found.isEmpty)
  }

  @Test func aNegativeLengthIsCorrupt() {
    let codec = LengthFieldCodec(lengthFieldLength: 1, lengthAdjustment: -2)
    let found = failures(
      codec,
      [
        Example(
          input: [3, 0x61, 1], expected: ["a"],
          ending: .failure(.corruptStream("length field 1 with adjustment -2 gives a negative length")))
      ])
    #expect(found.isEmpty)
  }
}
