/// Why a codec refused its input; a decode error ends only the connection it came from.
public enum CodecError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A line grew past the maximum length (the delimiter not counted) without ending.
  case lineTooLong(maxLength: Int)
  /// A frame's length, read from its header or asked for by a write, is over the maximum.
  case frameTooLarge(length: UInt64, maxLength: Int)
  /// The bytes cannot be decoded: a malformed header or a damaged compressed stream.
  case corruptStream(String)
  /// The stream ended in the middle of a frame; `bufferedBytes` of it had arrived.
  case truncatedFrame(bufferedBytes: Int)
  /// Decompressing produced more than the configured limit allows.
  case decompressionLimit(String)
  /// A frame given to an encoder cannot be encoded, for the reason given.
  case invalidFrame(String)
  /// The compressor failed; the zlib return code is given.
  case compressionFailed(code: Int32)

  /// A human-readable explanation.
  public var description: String {
    switch self {
    case .lineTooLong(let maxLength):
      "line too long: more than \(maxLength) bytes without a delimiter"
    case .frameTooLarge(let length, let maxLength):
      "frame too large: \(length) bytes, the maximum is \(maxLength)"
    case .corruptStream(let reason):
      "corrupt stream: \(reason)"
    case .truncatedFrame(let bufferedBytes):
      "truncated frame: the stream ended with \(bufferedBytes) bytes of an unfinished frame"
    case .decompressionLimit(let reason):
      "decompression limit exceeded: \(reason)"
    case .invalidFrame(let reason):
      "invalid frame: \(reason)"
    case .compressionFailed(let code):
      "compression failed: zlib error \(code)"
    }
  }
}
