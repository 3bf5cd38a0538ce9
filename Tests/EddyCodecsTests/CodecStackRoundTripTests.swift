import EddyCodecs
import EddyProtocols
import EddyTesting
import Testing

/// Every layer's encoder writes what its own decoder, with the same keys, reads back, for every
/// key combination the grammar has, cut at every byte boundary.
@Suite struct CodecStackRoundTripTests {
  /// The single layer `name` parses to.
  private static func layer(_ name: String) throws -> CodecStack.Layer {
    let stack = try CodecStack(parsing: name)
    #expect(try CodecStack(parsing: stack.description) == stack, "\(name)")
    return try #require(stack.layers.first)
  }

  static let lineNames: [String] = ["lf", "crlf", "nul", "0x00ff", "0x7c", "0x0a", "0x0d0a0d0a"].flatMap {
    delimiter in
    ["line:delimiter=\(delimiter)", "line:delimiter=\(delimiter):max=8"]
  }

  @Test(arguments: lineNames)
  func lineFramesRoundTrip(name: String) throws {
    guard case .line(let codec) = try Self.layer(name) else { throw Failure("not a line layer") }
    let frames: [ByteBuffer] = ["", "a", "hello", "", "12345678", "\r"].filter {
      !(codec.stripsCarriageReturn && $0.readableBytes > 0 && $0.getByte(at: $0.readableBytes - 1) == 0x0D)
    }
    let wire = try encodeAll(codec, frames)
    for chunks in splits(of: wire) {
      #expect(try DecoderHarness.decode(codec, chunks) == frames, "\(name)")
    }
  }

  static let lengthPrefixNames: [String] = {
    var names: [String] = []
    for width in [1, 2, 3, 4, 8] {
      for endian in ["big", "little"] {
        for offset in [0, 2] {
          for adjust in [0, -2, 3] {
            let header = offset + width
            for strip in ["header", "0", "1", "\(header)", "\(header + 2)"] {
              for max in ["", ":max=64"] {
                names.append(
                  "length-prefix:width=\(width):endian=\(endian):offset=\(offset):adjust=\(adjust):strip=\(strip)\(max)"
                )
              }
            }
          }
        }
      }
    }
    return names
  }()

  @Test(arguments: lengthPrefixNames)
  func lengthPrefixedFramesRoundTrip(name: String) throws {
    guard case .lengthPrefix(let codec) = try Self.layer(name) else {
      throw Failure("not a length-prefix layer")
    }
    let kept = max(0, codec.headerLength - codec.initialBytesToStrip)
    let padding = max(0, codec.initialBytesToStrip - codec.headerLength)
    let sizes = [3, 4, 11] + (codec.lengthAdjustment <= 0 && padding == 0 ? [0] : [])
    let frames = sizes.enumerated().map { index, size in
      ByteBuffer(bytes: (0..<(kept + size)).map { UInt8(truncatingIfNeeded: 0xA0 + index * 16 + $0) })
    }
    let wire = try encodeAll(codec, frames)
    // What comes back: the frames, with the length field written over the header bytes they carry.
    let expected = frames.map { frame in
      Self.withLengthField(frame, codec: codec, payloadLength: padding + frame.readableBytes - kept)
    }
    if kept == 0 { #expect(expected == frames) }
    for chunks in splits(of: wire) {
      #expect(try DecoderHarness.decode(codec, chunks) == expected, "\(name)")
    }
    #expect(try encodeAll(codec, expected) == wire)
  }

  /// `frame` with the length field of a `payloadLength`-byte payload at its place in the kept header.
  private static func withLengthField(_ frame: ByteBuffer, codec: LengthFieldCodec, payloadLength: Int)
    -> ByteBuffer
  {
    var bytes = frame.bytes
    let value = UInt64(payloadLength - codec.lengthAdjustment)
    for index in 0..<codec.lengthFieldLength {
      let position = codec.lengthFieldOffset + index - codec.initialBytesToStrip
      guard position >= 0 && position < bytes.count else { continue }
      let shift = codec.endianness == .big ? 8 * (codec.lengthFieldLength - 1 - index) : 8 * index
      bytes[position] = UInt8(truncatingIfNeeded: value >> UInt64(shift))
    }
    return ByteBuffer(bytes: bytes)
  }

  static let zlibNames: [String] = {
    var names: [String] = []
    for format in ["zlib", "gzip", "raw"] {
      for level in ["", ":level=0", ":level=1", ":level=9"] {
        for window in ["", ":window=9", ":window=12"] {
          for memory in ["", ":memory=1", ":memory=9"] {
            names.append("zlib:format=\(format)\(level)\(window)\(memory):max-ratio=2000")
          }
        }
      }
    }
    return names
  }()

  @Test(arguments: zlibNames)
  func compressedStreamsRoundTrip(name: String) throws {
    guard case .zlib(let options) = try Self.layer(name) else { throw Failure("not a zlib layer") }
    let messages: [ByteBuffer] = [
      "hello", "hello hello hello",
      ByteBuffer(bytes: (0..<1500).map { UInt8(truncatingIfNeeded: $0 * 7 % 600) }),
    ]
    var encoder = ZlibEncoder(options: options)
    var wire = ByteBuffer()
    for message in messages { try encoder.encode(message, into: &wire) }
    try encoder.encodeEnd(into: &wire)
    let whole = messages.reduce(into: ByteBuffer()) { $0.writeBuffer($1) }
    for chunks in splits(of: wire) {
      let output = try DecoderHarness.decode(ZlibDecoder(options: options), chunks)
      #expect(output.reduce(into: ByteBuffer()) { $0.writeBuffer($1) } == whole, "\(name)")
    }
  }

  @Test(arguments: [
    "tls,zlib:format=gzip:level=1,line:delimiter=crlf",
    "zlib:format=raw:window=9,length-prefix:width=2:endian=little",
    "length-prefix:width=1:offset=1:strip=0", "line:delimiter=nul:max=100000",
  ])
  func framesRoundTripThroughTheSameStackOnBothEnds(name: String) throws {
    let stack = try CodecStack(parsing: name)
    #expect(stack.usesTLS == name.hasPrefix("tls,"))
    let frames: [ByteBuffer] = {
      if case .lengthPrefix(let codec) = stack.layers.last, codec.initialBytesToStrip == 0 {
        return [[0x7F, 5, 1, 2, 3, 4, 5], [0x7F, 2, 9, 9]]
      }
      return ["first", "second frame", ByteBuffer(string: String(repeating: "long ", count: 50))]
    }()
    let client = RecordingProtocol { recorder, event in
      if event == .connectionMade { recorder.transport?.write(contentsOf: frames) }
    }
    let echo = RecordingProtocol { recorder, event in
      if case .data(let frame) = event { recorder.transport?.write(frame) }
    }
    let pair = InMemoryTransport.pair(stack.wrap(client), stack.wrap(echo), chunkSize: 3)
    pair.run()
    #expect(echo.dataChunks == frames)
    #expect(client.dataChunks == frames)
    #expect(client.violations.isEmpty && echo.violations.isEmpty)
  }
}

/// A test precondition that did not hold.
private struct Failure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
