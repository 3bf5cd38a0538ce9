import EddyCodecs
import EddyProtocols
import Testing

/// Copies of a zlib encoder or decoder are values: each goes on from the state it was copied in,
/// on a zlib stream of its own.
@Suite struct ZlibCopyTests {
  static let messages: [ByteBuffer] = ["hello", "hello again, hello again", "world"]

  private static func decodeAll(_ decoder: inout ZlibDecoder, _ wire: ByteBuffer) throws -> ByteBuffer {
    var input = wire
    var output = ByteBuffer()
    while let chunk = try decoder.decode(&input) { output.writeBuffer(chunk) }
    return output
  }

  @Test(arguments: [ZlibFormat.zlib, .deflate, .gzip])
  func copiesOfAnUnusedDecoderEachDecodeTheWholeStream(format: ZlibFormat) throws {
    let options = ZlibOptions(format: format)
    let wire = try encodeAll(ZlibEncoder(options: options), Self.messages)
    let template = ZlibDecoder(options: options)
    var first = template
    var second = template
    #expect(try Self.decodeAll(&first, wire) == "hellohello again, hello againworld")
    #expect(try Self.decodeAll(&second, wire) == "hellohello again, hello againworld")
  }

  @Test func aDecoderCopiedMidStreamGoesOnFromThere() throws {
    var encoder = ZlibEncoder()
    var head = ByteBuffer()
    try encoder.encode("a message of its own; ", into: &head)
    var tail = ByteBuffer()
    try encoder.encode("then: a message of its own", into: &tail)
    var original = ZlibDecoder()
    #expect(try Self.decodeAll(&original, head) == "a message of its own; ")
    var copy = original
    #expect(try Self.decodeAll(&original, tail) == "then: a message of its own")
    #expect(try Self.decodeAll(&copy, tail) == "then: a message of its own")
  }

  @Test func copiesOfAnEncoderWriteTheSameStream() throws {
    let template = ZlibEncoder(options: ZlibOptions(format: .gzip))
    let first = try encodeAll(template, Self.messages)
    let second = try encodeAll(template, Self.messages)
    #expect(first == second)
    var decoder = ZlibDecoder(options: ZlibOptions(format: .gzip))
    #expect(try Self.decodeAll(&decoder, second) == "hellohello again, hello againworld")
  }

  @Test func releasingOneCopyLeavesTheOtherWorking() throws {
    var encoder = ZlibEncoder()
    var head = ByteBuffer()
    try encoder.encode("first", into: &head)
    var copy = encoder
    encoder.release()
    var tail = ByteBuffer()
    try copy.encode("second", into: &tail)
    var decoder = ZlibDecoder()
    #expect(try Self.decodeAll(&decoder, head) == "first")
    #expect(try Self.decodeAll(&decoder, tail) == "second")
  }
}
