import EddyProtocols

/// Frames that carry their length in a header field, in the manner of Netty's
/// `LengthFieldBasedFrameDecoder` and tokio-util's `LengthDelimitedCodec`.
///
/// A frame on the wire is `lengthFieldOffset` leading bytes, the length field
/// (`lengthFieldLength` bytes in `endianness` order), then the payload. The payload is
/// `field value + lengthAdjustment` bytes long; ``maxFrameLength`` limits the payload and is
/// checked from the header alone, before any payload is buffered. Decoding drops the first
/// ``initialBytesToStrip`` bytes of the frame (by default the whole header) and hands up the
/// rest as a slice of the received bytes. Zero-length payloads are valid.
///
/// Encoding is the inverse of decoding, so that what an encoder writes its decoder hands back:
/// the frame given is what decoding hands up. The bytes decoding strips are written as zeros,
/// except the length field, which is always computed; when fewer bytes than the header are
/// stripped, the frame starts with the header bytes decoding keeps, and the encoder writes the
/// length field over the ones that fall in it.
public struct LengthFieldCodec: FrameDecoder, FrameEncoder, Sendable, Equatable {
  /// The default maximum payload length: 16 MiB.
  public static let defaultMaxFrameLength = 16 * 1024 * 1024
  /// The supported sizes of the length field, in bytes.
  public static let supportedFieldLengths = [1, 2, 3, 4, 8]

  /// The size of the length field in bytes: 1, 2, 3, 4 or 8.
  public let lengthFieldLength: Int
  /// The byte order of the length field.
  public let endianness: Endianness
  /// The number of bytes before the length field.
  public let lengthFieldOffset: Int
  /// Added to the field's value to give the payload length (negative when the field counts
  /// bytes that are not payload, such as itself).
  public let lengthAdjustment: Int
  /// The number of bytes dropped from the start of each decoded frame.
  public let initialBytesToStrip: Int
  /// The longest payload accepted, in bytes.
  public let maxFrameLength: Int

  /// Creates a length-field codec; the defaults are a 4-byte big-endian payload length.
  ///
  /// - Parameters:
  ///   - lengthFieldLength: 1, 2, 3, 4 or 8.
  ///   - endianness: The byte order of the field.
  ///   - lengthFieldOffset: The bytes before the field.
  ///   - lengthAdjustment: Added to the field's value to give the payload length.
  ///   - initialBytesToStrip: Bytes dropped from each decoded frame; nil strips the header.
  ///   - maxFrameLength: The longest payload accepted; 16 MiB by default.
  public init(
    lengthFieldLength: Int = 4,
    endianness: Endianness = .big,
    lengthFieldOffset: Int = 0,
    lengthAdjustment: Int = 0,
    initialBytesToStrip: Int? = nil,
    maxFrameLength: Int = defaultMaxFrameLength
  ) {
    precondition(
      Self.supportedFieldLengths.contains(lengthFieldLength), "the length field must be 1, 2, 3, 4 or 8 bytes"
    )
    precondition(lengthFieldOffset >= 0, "the length field offset cannot be negative")
    precondition(maxFrameLength >= 0, "the maximum frame length cannot be negative")
    let strip = initialBytesToStrip ?? lengthFieldOffset + lengthFieldLength
    precondition(strip >= 0, "the bytes to strip cannot be negative")
    self.lengthFieldLength = lengthFieldLength
    self.endianness = endianness
    self.lengthFieldOffset = lengthFieldOffset
    self.lengthAdjustment = lengthAdjustment
    self.initialBytesToStrip = strip
    self.maxFrameLength = maxFrameLength
  }

  /// The bytes up to and including the length field.
  public var headerLength: Int { lengthFieldOffset + lengthFieldLength }

  /// The largest value the length field can hold.
  private var maxFieldValue: UInt64 {
    lengthFieldLength == 8 ? UInt64.max : (UInt64(1) << UInt64(8 * lengthFieldLength)) - 1
  }

  /// Consumes one frame and returns it, less its stripped bytes, as a slice of `buffer`.
  public mutating func decode(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer? {
    guard buffer.readableBytes >= headerLength else { return nil }
    let payloadLength = try payloadLength(fieldValue: readLengthField(buffer))
    let frameLength = headerLength + payloadLength
    guard initialBytesToStrip <= frameLength else {
      throw .corruptStream(
        "a \(frameLength)-byte frame is shorter than the \(initialBytesToStrip) bytes to strip")
    }
    guard buffer.readableBytes >= frameLength else { return nil }
    buffer.moveReaderIndex(forwardBy: initialBytesToStrip)
    return buffer.readSlice(length: frameLength - initialBytesToStrip)
  }

  /// Appends the whole frame whose decoding is `frame`: the stripped bytes (zeros, and the
  /// length field), then `frame` with the length field written over any of its bytes it covers.
  public mutating func encode(_ frame: ByteBuffer, into buffer: inout ByteBuffer) throws(CodecError) {
    let keptHeader = Swift.max(0, headerLength - initialBytesToStrip)
    guard frame.readableBytes >= keptHeader else {
      throw .invalidFrame("a frame must start with the \(keptHeader) header bytes that decoding keeps")
    }
    let strippedPayload = Swift.max(0, initialBytesToStrip - headerLength)
    let payloadLength = strippedPayload + frame.readableBytes - keptHeader
    guard payloadLength <= maxFrameLength else {
      throw .frameTooLarge(length: UInt64(payloadLength), maxLength: maxFrameLength)
    }
    let fieldValue = payloadLength - lengthAdjustment
    guard fieldValue >= 0, UInt64(fieldValue) <= maxFieldValue else {
      throw .invalidFrame(
        "a \(payloadLength)-byte payload does not fit a \(lengthFieldLength)-byte length field")
    }
    buffer.reserveCapacity(minimumWritableBytes: headerLength + payloadLength)
    for position in 0..<lengthFieldOffset {
      let kept = position - initialBytesToStrip
      buffer.writeInteger(kept >= 0 ? frame.getByte(at: kept) ?? 0 : 0)
    }
    writeLengthField(UInt64(fieldValue), into: &buffer)
    for _ in 0..<strippedPayload { buffer.writeInteger(UInt8(0)) }
    if let rest = frame.getSlice(at: keptHeader, length: frame.readableBytes - keptHeader) {
      buffer.writeBuffer(rest)
    }
  }

  /// The payload length a field value announces, checked against the maximum.
  private func payloadLength(fieldValue: UInt64) throws(CodecError) -> Int {
    guard fieldValue <= UInt64(maxFrameLength) + UInt64(Swift.max(0, -lengthAdjustment)) else {
      throw .frameTooLarge(length: fieldValue, maxLength: maxFrameLength)
    }
    let length = Int(fieldValue) + lengthAdjustment
    guard length >= 0 else {
      throw .corruptStream(
        "length field \(fieldValue) with adjustment \(lengthAdjustment) gives a negative length")
    }
    guard length <= maxFrameLength else {
      throw .frameTooLarge(length: UInt64(length), maxLength: maxFrameLength)
    }
    return length
  }

  private func readLengthField(_ buffer: ByteBuffer) -> UInt64 {
    var value: UInt64 = 0
    for index in 0..<lengthFieldLength {
      let byte = UInt64(buffer.getByte(at: lengthFieldOffset + index) ?? 0)
      switch endianness {
      case .big: value = value << 8 | byte
      case .little: value |= byte << UInt64(8 * index)
      }
    }
    return value
  }

  private func writeLengthField(_ value: UInt64, into buffer: inout ByteBuffer) {
    for index in 0..<lengthFieldLength {
      let shift = endianness == .big ? 8 * (lengthFieldLength - 1 - index) : 8 * index
      buffer.writeInteger(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
    }
  }
}
