import EddyProtocols

/// Frames that end at a delimiter: newline-terminated lines by default.
///
/// Decoding hands up each line without its delimiter (and without a carriage return right
/// before it, unless ``stripsCarriageReturn`` is false); encoding appends the delimiter. A line
/// longer than ``maxLength`` (delimiter not counted) is refused with
/// ``CodecError/lineTooLong(maxLength:)`` as soon as that many bytes are buffered without a
/// delimiter, so an endless line costs bounded memory. Bytes already searched are not searched
/// again when more arrive. At end-of-file an unterminated line is a truncated frame.
public struct LineCodec: FrameDecoder, FrameEncoder, Sendable, Equatable {
  /// The default maximum line length: 64 KiB.
  public static let defaultMaxLength = 64 * 1024

  /// The bytes that end a line.
  public let delimiter: [UInt8]
  /// Whether a carriage return right before the delimiter is dropped from decoded lines.
  public let stripsCarriageReturn: Bool
  /// The longest line accepted, in bytes, not counting the delimiter.
  public let maxLength: Int

  /// Bytes after the reader index already searched without finding a delimiter.
  private var scanned = 0

  /// Creates a line codec.
  ///
  /// - Parameters:
  ///   - delimiter: The bytes that end a line; `\n` by default. Must not be empty.
  ///   - stripsCarriageReturn: Whether a `\r` right before the delimiter is dropped.
  ///   - maxLength: The longest line accepted, delimiter not counted; 64 KiB by default.
  public init(
    delimiter: [UInt8] = [0x0A], stripsCarriageReturn: Bool = true, maxLength: Int = defaultMaxLength
  ) {
    precondition(!delimiter.isEmpty, "a line delimiter needs at least one byte")
    precondition(maxLength >= 0, "the maximum line length cannot be negative")
    self.delimiter = delimiter
    self.stripsCarriageReturn = stripsCarriageReturn
    self.maxLength = maxLength
  }

  /// Consumes one line and its delimiter and returns the line as a slice of `buffer`.
  public mutating func decode(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer? {
    let readable = buffer.readableBytes
    let resumeAt = Swift.max(0, Swift.min(scanned, readable) - (delimiter.count - 1))
    guard let end = firstDelimiter(in: buffer, from: resumeAt) else {
      scanned = readable
      let mayStillEndLine = delimiter.count - 1 + (stripsCarriageReturn ? 1 : 0)
      if readable - mayStillEndLine > maxLength { throw .lineTooLong(maxLength: maxLength) }
      return nil
    }
    var length = end
    if stripsCarriageReturn, length > 0, buffer.getByte(at: length - 1) == UInt8(ascii: "\r") { length -= 1 }
    guard length <= maxLength else { throw .lineTooLong(maxLength: maxLength) }
    scanned = 0
    let line = buffer.getSlice(at: 0, length: length) ?? ByteBuffer()
    buffer.moveReaderIndex(forwardBy: end + delimiter.count)
    return line
  }

  /// Appends the line and the delimiter.
  public mutating func encode(_ frame: ByteBuffer, into buffer: inout ByteBuffer) throws(CodecError) {
    buffer.writeBuffer(frame)
    buffer.writeBytes(delimiter)
  }

  /// The offset of the first whole delimiter at or after `offset`, or nil.
  private func firstDelimiter(in buffer: ByteBuffer, from offset: Int) -> Int? {
    var from = offset
    while let candidate = buffer.firstIndex(of: delimiter[0], from: from) {
      guard candidate + delimiter.count <= buffer.readableBytes else { return nil }
      if delimiter.indices.dropFirst().allSatisfy({ buffer.getByte(at: candidate + $0) == delimiter[$0] }) {
        return candidate
      }
      from = candidate + 1
    }
    return nil
  }
}
