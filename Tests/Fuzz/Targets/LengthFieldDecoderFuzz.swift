import EddyCodecs
import EddyProtocols

/// Drives a length-field codec of fuzzed settings two ways: arbitrary bytes in arbitrary chunks,
/// compared with a reference parser of the whole input; and frames taken from the input,
/// encoded, then decoded, which must give back every payload.
enum LengthFieldDecoderFuzz {
  private static let maxFrames = [0, 1, 10, 255, 65_536, LengthFieldCodec.defaultMaxFrameLength]

  static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
    let roundTrip = input.bool()
    let fieldLength = LengthFieldCodec.supportedFieldLengths[Int(input.byte()) % 5]
    let endianness: Endianness = input.bool() ? .big : .little
    let offset = Int(input.byte() % 4)
    let adjustment = roundTrip ? 0 : Int(input.byte() % 9) - 4
    let strip: Int? = roundTrip || input.bool() ? nil : Int(input.byte()) % (offset + fieldLength + 3)
    let maxFrame = maxFrames[Int(input.byte()) % maxFrames.count]
    let codec = LengthFieldCodec(
      lengthFieldLength: fieldLength, endianness: endianness, lengthFieldOffset: offset,
      lengthAdjustment: adjustment, initialBytesToStrip: strip, maxFrameLength: maxFrame)
    if roundTrip {
      try encodeThenDecode(codec, &input)
    } else {
      try decodeArbitrary(codec, &input)
    }
  }

  private static func decodeArbitrary(_ codec: LengthFieldCodec, _ input: inout FuzzInput) throws(FuzzFailure)
  {
    let chunking = input.byte()
    let data = input.rest()
    var chunker = FuzzInput([chunking])
    let decoded = try DecoderDriver(codec, chunks: chunker.chunks(of: data)) { frame, _ throws(FuzzFailure) in
      let limit = codec.maxFrameLength + codec.headerLength
      try require(frame.readableBytes <= limit, "a \(frame.readableBytes)-byte frame passed the limit")
    }
    let expected = reference(codec, data)
    try require(
      decoded.frames == expected.frames, "frames differ: \(decoded.frames.count) vs \(expected.frames.count)")
    try require(
      decoded.error.map(kind) == expected.error,
      "error \(String(describing: decoded.error)), expected \(String(describing: expected.error))")
  }

  private static func encodeThenDecode(_ codec: LengthFieldCodec, _ input: inout FuzzInput)
    throws(FuzzFailure)
  {
    var encoder = codec
    var wire = ByteBuffer()
    var payloads: [[UInt8]] = []
    for _ in 0..<Int(input.byte() % 32) {
      let frame = input.bytes(count: input.int(in: 0...300))
      do {
        try encoder.encode(ByteBuffer(bytes: frame), into: &wire)
        payloads.append(frame)
      } catch {
        let refused =
          frame.count > codec.maxFrameLength
          || codec.lengthFieldLength < 8 && frame.count >= 1 << (8 * codec.lengthFieldLength)
        try require(refused, "encoding a \(frame.count)-byte frame failed: \(error)")
      }
    }
    var chunker = FuzzInput([input.byte()])
    let decoded = try DecoderDriver(codec, chunks: chunker.chunks(of: wire.bytes))
    try require(
      decoded.error == nil, "decoding what was encoded failed: \(String(describing: decoded.error))")
    try require(decoded.frames == payloads, "decoded payloads differ from the encoded ones")
  }

  /// A name for an error's case, with the frame length for an oversized frame.
  private static func kind(_ error: CodecError) -> String {
    switch error {
    case .frameTooLarge(let length, _): "frameTooLarge(\(length))"
    case .corruptStream: "corruptStream"
    case .truncatedFrame(let count): "truncatedFrame(\(count))"
    default: "\(error)"
    }
  }

  /// Parses the whole input frame by frame with plain arithmetic.
  private static func reference(_ codec: LengthFieldCodec, _ data: [UInt8]) -> (
    frames: [[UInt8]], error: String?
  ) {
    var frames: [[UInt8]] = []
    var position = 0
    let header = codec.headerLength
    while data.count - position >= header {
      var value: UInt64 = 0
      for index in 0..<codec.lengthFieldLength {
        let byte = UInt64(data[position + codec.lengthFieldOffset + index])
        value |=
          codec.endianness == .big
          ? byte << UInt64(8 * (codec.lengthFieldLength - 1 - index)) : byte << UInt64(8 * index)
      }
      if value > UInt64(codec.maxFrameLength) + UInt64(max(0, -codec.lengthAdjustment)) {
        return (frames, "frameTooLarge(\(value))")
      }
      let length = Int(value) + codec.lengthAdjustment
      if length < 0 { return (frames, "corruptStream") }
      if length > codec.maxFrameLength { return (frames, "frameTooLarge(\(length))") }
      let frameLength = header + length
      if codec.initialBytesToStrip > frameLength { return (frames, "corruptStream") }
      if data.count - position < frameLength { break }
      frames.append(Array(data[position + codec.initialBytesToStrip..<position + frameLength]))
      position += frameLength
    }
    let remainder = data.count - position
    return (frames, remainder > 0 ? "truncatedFrame(\(remainder))" : nil)
  }
}
