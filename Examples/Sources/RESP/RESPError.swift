/// Why bytes received are not RESP; the connection that sent them ends (after the server's
/// `-ERR Protocol error` reply, as Redis does).
public enum RESPError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A value starts with a byte that is no RESP type.
  case unknownType(UInt8)
  /// A length, count or integer is not a decimal number in range.
  case invalidNumber
  /// A bulk string's bytes are not followed by CR LF.
  case missingTerminator
  /// A bulk string is longer than the codec allows.
  case bulkTooLong(length: Int, maxLength: Int)
  /// An array has more elements than the codec allows.
  case tooManyElements(count: Int, maxCount: Int)
  /// Arrays nest deeper than the codec allows.
  case nestedTooDeep(maxDepth: Int)
  /// A line (a simple value or an inline command) grew past the limit without ending.
  case lineTooLong(maxLength: Int)
  /// A value to encode cannot be written (a status or error with CR or LF in it).
  case unencodable(String)

  /// The text Redis would put after `-ERR Protocol error: `.
  public var description: String {
    switch self {
    case .unknownType(let byte): "invalid type byte 0x\(String(byte, radix: 16))"
    case .invalidNumber: "invalid length or integer"
    case .missingTerminator: "bulk string not followed by CRLF"
    case .bulkTooLong(let length, let maxLength): "invalid bulk length \(length) (maximum \(maxLength))"
    case .tooManyElements(let count, let maxCount): "invalid multibulk length \(count) (maximum \(maxCount))"
    case .nestedTooDeep(let maxDepth): "arrays nested deeper than \(maxDepth)"
    case .lineTooLong(let maxLength): "line longer than \(maxLength) bytes"
    case .unencodable(let reason): "cannot encode: \(reason)"
    }
  }
}
