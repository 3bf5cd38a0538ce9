import EddyCodecs
import EddyProtocols

/// The Redis serialization protocol (RESP2) as a typed codec: ``RESPValue``s in both directions.
///
/// Decoding takes the arrays of bulk strings clients send, any other RESP value, and inline
/// commands (`PING\r\n`, as typed into a terminal and sent by `redis-benchmark`'s `PING_INLINE`),
/// which decode as an array of bulk strings split at spaces; empty inline lines are skipped.
/// Bulk strings are slices of the received bytes. Every size is bounded (``Limits``), so a hostile
/// peer costs bounded memory and gets a ``RESPError``.
public struct RESPCodec: MessageDecoder, MessageEncoder, Sendable {
  /// The bounds a peer's input must keep.
  public struct Limits: Sendable, Equatable {
    /// The longest bulk string: 16 MiB by default (Redis allows 512 MB).
    public var maxBulkLength = 16 * 1024 * 1024
    /// The most elements of one array: 1,048,576 by default.
    public var maxElements = 1024 * 1024
    /// The deepest nesting of arrays: 32 by default.
    public var maxDepth = 32
    /// The longest line (a status, an integer, a length or an inline command): 64 KiB by default.
    public var maxLineLength = 64 * 1024

    /// The default limits.
    public init() {}
  }

  /// The bounds in force.
  public let limits: Limits

  /// Creates a codec with the given bounds.
  public init(limits: Limits = Limits()) {
    self.limits = limits
  }

  // MARK: Decoding

  /// Consumes one value from the start of `buffer`, or nothing when it is not complete yet.
  public mutating func decode(_ buffer: inout ByteBuffer) throws(RESPError) -> RESPValue? {
    while let first = buffer.getByte(at: 0) {
      if Self.isTypeByte(first) {
        guard let (value, end) = try parseValue(buffer, at: 0, depth: 0) else { return nil }
        buffer.moveReaderIndex(forwardBy: end)
        return value
      }
      guard let (words, end) = try parseInline(buffer) else { return nil }
      buffer.moveReaderIndex(forwardBy: end)
      if !words.isEmpty { return .array(words) }
    }
    return nil
  }

  private static func isTypeByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "$"), UInt8(ascii: "*"): true
    default: false
    }
  }

  /// Parses the value starting at `offset`; returns it and the offset just past it, or nil when
  /// more bytes are needed.
  private func parseValue(_ buffer: ByteBuffer, at offset: Int, depth: Int) throws(RESPError) -> (
    RESPValue, Int
  )? {
    guard let type = buffer.getByte(at: offset) else { return nil }
    guard let lineEnd = try findLineEnd(buffer, from: offset + 1) else { return nil }
    let lineStart = offset + 1
    let next = lineEnd + 2
    switch type {
    case UInt8(ascii: "+"):
      return (.simpleString(buffer.getString(at: lineStart, length: lineEnd - lineStart) ?? ""), next)
    case UInt8(ascii: "-"):
      return (.error(buffer.getString(at: lineStart, length: lineEnd - lineStart) ?? ""), next)
    case UInt8(ascii: ":"):
      return (.integer(try parseInteger(buffer, from: lineStart, to: lineEnd)), next)
    case UInt8(ascii: "$"):
      let length = try parseInteger(buffer, from: lineStart, to: lineEnd)
      if length == -1 { return (.null, next) }
      guard length >= 0 else { throw .invalidNumber }
      guard length <= limits.maxBulkLength else {
        throw .bulkTooLong(length: Int(clamping: length), maxLength: limits.maxBulkLength)
      }
      let count = Int(length)
      guard buffer.readableBytes - next >= count + 2 else { return nil }
      guard buffer.getByte(at: next + count) == UInt8(ascii: "\r"),
        buffer.getByte(at: next + count + 1) == UInt8(ascii: "\n")
      else { throw .missingTerminator }
      return (.bulkString(buffer.getSlice(at: next, length: count)), next + count + 2)
    case UInt8(ascii: "*"):
      let count = try parseInteger(buffer, from: lineStart, to: lineEnd)
      if count == -1 { return (.array(nil), next) }
      guard count >= 0 else { throw .invalidNumber }
      guard count <= limits.maxElements else {
        throw .tooManyElements(count: Int(clamping: count), maxCount: limits.maxElements)
      }
      guard depth < limits.maxDepth else { throw .nestedTooDeep(maxDepth: limits.maxDepth) }
      // Every element takes at least three bytes: do not reserve more than could have arrived.
      var elements: [RESPValue] = []
      elements.reserveCapacity(min(Int(count), (buffer.readableBytes - next) / 3 + 1))
      var position = next
      for _ in 0..<count {
        guard let (element, end) = try parseValue(buffer, at: position, depth: depth + 1) else { return nil }
        elements.append(element)
        position = end
      }
      return (.array(elements), position)
    default:
      throw .unknownType(type)
    }
  }

  /// An inline command: the words of one line, split at spaces; nil when the line is not complete.
  private func parseInline(_ buffer: ByteBuffer) throws(RESPError) -> ([RESPValue], Int)? {
    guard let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) else {
      if buffer.readableBytes > limits.maxLineLength { throw .lineTooLong(maxLength: limits.maxLineLength) }
      return nil
    }
    guard newline <= limits.maxLineLength else { throw .lineTooLong(maxLength: limits.maxLineLength) }
    var end = newline
    if end > 0, buffer.getByte(at: end - 1) == UInt8(ascii: "\r") { end -= 1 }
    var words: [RESPValue] = []
    var start = 0
    for index in 0...end where index == end || buffer.getByte(at: index) == UInt8(ascii: " ") {
      if index > start { words.append(.bulkString(buffer.getSlice(at: start, length: index - start))) }
      start = index + 1
    }
    return (words, newline + 1)
  }

  /// The offset of the CR of the CR LF ending the line that starts at `offset`, or nil when it
  /// has not arrived.
  private func findLineEnd(_ buffer: ByteBuffer, from offset: Int) throws(RESPError) -> Int? {
    guard let cr = buffer.firstIndex(of: UInt8(ascii: "\r"), from: offset) else {
      if buffer.readableBytes - offset > limits.maxLineLength {
        throw .lineTooLong(maxLength: limits.maxLineLength)
      }
      return nil
    }
    guard cr - offset <= limits.maxLineLength else { throw .lineTooLong(maxLength: limits.maxLineLength) }
    guard let lf = buffer.getByte(at: cr + 1) else { return nil }
    guard lf == UInt8(ascii: "\n") else { throw .missingTerminator }
    return cr
  }

  /// A decimal integer with an optional minus sign, in `from..<to`.
  private func parseInteger(_ buffer: ByteBuffer, from start: Int, to end: Int) throws(RESPError) -> Int64 {
    var index = start
    let negative = buffer.getByte(at: index) == UInt8(ascii: "-")
    if negative { index += 1 }
    guard index < end else { throw .invalidNumber }
    var value: Int64 = 0
    while index < end {
      guard let byte = buffer.getByte(at: index), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
        throw .invalidNumber
      }
      let digit = Int64(byte - UInt8(ascii: "0"))
      let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflowB) =
        negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
      guard !overflowA, !overflowB else { throw .invalidNumber }
      value = sum
      index += 1
    }
    return value
  }

  // MARK: Encoding

  /// Appends the RESP encoding of `message`.
  public mutating func encode(_ message: RESPValue, into buffer: inout ByteBuffer) throws(RESPError) {
    switch message {
    case .simpleString(let text):
      try Self.writeLine(UInt8(ascii: "+"), text, into: &buffer)
    case .error(let text):
      try Self.writeLine(UInt8(ascii: "-"), text, into: &buffer)
    case .integer(let value):
      Self.writeHeader(UInt8(ascii: ":"), value, into: &buffer)
    case .bulkString(nil):
      buffer.writeBytes(Self.nullBulk)
    case .bulkString(let bytes?):
      Self.writeHeader(UInt8(ascii: "$"), Int64(bytes.readableBytes), into: &buffer)
      buffer.writeBuffer(bytes)
      buffer.writeBytes(Self.crlf)
    case .array(nil):
      buffer.writeBytes(Self.nullArray)
    case .array(let elements?):
      Self.writeHeader(UInt8(ascii: "*"), Int64(elements.count), into: &buffer)
      for element in elements { try encode(element, into: &buffer) }
    }
  }

  private static let crlf: [UInt8] = [0x0D, 0x0A]
  private static let nullBulk = Array("$-1\r\n".utf8)
  private static let nullArray = Array("*-1\r\n".utf8)

  private static func writeLine(_ type: UInt8, _ text: String, into buffer: inout ByteBuffer)
    throws(RESPError)
  {
    guard !text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else {
      throw .unencodable("a status or error line holds CR or LF")
    }
    buffer.writeBytes(CollectionOfOne(type))
    buffer.writeString(text)
    buffer.writeBytes(crlf)
  }

  private static func writeHeader(_ type: UInt8, _ value: Int64, into buffer: inout ByteBuffer) {
    buffer.writeBytes(CollectionOfOne(type))
    buffer.writeString(String(value))
    buffer.writeBytes(crlf)
  }
}
