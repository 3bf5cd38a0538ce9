import EddyCodecs
import EddyProtocols
import RESP
import Testing

@Suite struct RESPCodecTests {
  static let values: [RESPValue] = [
    .ok, .error("ERR boom"), .integer(0), .integer(-42), .integer(Int64.max), .integer(Int64.min),
    .null, .bulk(""), .bulkString(ByteBuffer(bytes: [0, 13, 10, 255])), .array(nil), .array([]),
    .command("SET", "key", "value"), .array([.integer(1), .array([.bulk("nested"), .null]), .ok]),
  ]

  private func encode(_ values: [RESPValue]) throws -> ByteBuffer {
    var codec = RESPCodec()
    var buffer = ByteBuffer()
    for value in values { try codec.encode(value, into: &buffer) }
    return buffer
  }

  /// Feeds `wire` in pieces of `chunkSize` bytes, as a layer does, and decodes all it can.
  private func decodeAll(_ wire: ByteBuffer, chunkSize: Int) throws -> [RESPValue] {
    var codec = RESPCodec()
    var cumulation = ByteBuffer()
    var decoded: [RESPValue] = []
    var offset = 0
    while offset < wire.readableBytes {
      let length = min(chunkSize, wire.readableBytes - offset)
      cumulation.writeBuffer(wire.getSlice(at: offset, length: length)!)
      offset += length
      while let value = try codec.decode(&cumulation) { decoded.append(value) }
    }
    #expect(cumulation.isEmpty)
    return decoded
  }

  @Test func everyValueRoundTripsChunkedAtEveryByteBoundary() throws {
    let wire = try encode(Self.values)
    for chunkSize in 1...wire.readableBytes {
      #expect(try decodeAll(wire, chunkSize: chunkSize) == Self.values)
    }
  }

  @Test func theEncodingIsRedissOwn() throws {
    #expect(try encode([.command("GET", "k")]).string == "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
    #expect(
      try encode([.ok, .null, .integer(-7), .error("ERR x")]).string == "+OK\r\n$-1\r\n:-7\r\n-ERR x\r\n")
  }

  @Test func inlineCommandsDecodeAsArraysOfBulkStringsAndEmptyLinesAreSkipped() throws {
    let wire = ByteBuffer(string: "PING\r\n\r\n\nSET  a b\nGET a\r\n")
    for chunkSize in 1...wire.readableBytes {
      #expect(
        try decodeAll(wire, chunkSize: chunkSize) == [
          .command("PING"), .command("SET", "a", "b"), .command("GET", "a"),
        ])
    }
  }

  @Test func bulkStringsAreSlicesOfTheReceivedBytes() throws {
    var wire = try encode([.command("SET", "key", "value")])
    let original = wire
    var codec = RESPCodec()
    guard case .array(let words?)? = try codec.decode(&wire), case .bulkString(let value?) = words[2] else {
      Issue.record("not decoded")
      return
    }
    #expect(value.sharesStorage(with: original))
  }

  @Test(arguments: [
    ("*1\r\n?x\r\n", RESPError.unknownType(UInt8(ascii: "?"))),
    (":12a\r\n", .invalidNumber),
    (":99999999999999999999\r\n", .invalidNumber),
    ("$-2\r\n", .invalidNumber),
    ("$3\r\nabcde\r\n", .missingTerminator),
    ("+OK\rX", .missingTerminator),
    ("$17\r\n", .bulkTooLong(length: 17, maxLength: 16)),
    ("*5\r\n", .tooManyElements(count: 5, maxCount: 4)),
    ("*1\r\n*1\r\n*1\r\n:1\r\n", .nestedTooDeep(maxDepth: 2)),
    ("+" + String(repeating: "a", count: 40), .lineTooLong(maxLength: 32)),
    (String(repeating: "a", count: 40), .lineTooLong(maxLength: 32)),
  ])
  func hostileInputIsRefusedWithATypedErrorWithinTheLimits(input: String, expected: RESPError) {
    var limits = RESPCodec.Limits()
    limits.maxBulkLength = 16
    limits.maxElements = 4
    limits.maxDepth = 2
    limits.maxLineLength = 32
    var codec = RESPCodec(limits: limits)
    var buffer = ByteBuffer(string: input)
    #expect(throws: expected) {
      while try codec.decode(&buffer) != nil {}
    }
  }

  @Test func statusLinesWithLineBreaksCannotBeEncoded() {
    var codec = RESPCodec()
    var buffer = ByteBuffer()
    #expect(throws: RESPError.self) { try codec.encode(.simpleString("two\r\nlines"), into: &buffer) }
  }
}
