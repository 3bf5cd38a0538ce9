import EddyProtocols

/// One value of the Redis serialization protocol (RESP2): what a client sends as a command and
/// what a server answers.
///
/// Bulk strings are bytes, not text: a decoded one is a slice of the bytes received (no copy),
/// so keep a copy (``ByteBuffer/init(bytes:)``) of what must outlive the request.
public enum RESPValue: Sendable, Hashable {
  /// `+OK`: a short status line, without CR or LF.
  case simpleString(String)
  /// `-ERR message`: an error reply, without CR or LF.
  case error(String)
  /// `:42`: a signed 64-bit integer.
  case integer(Int64)
  /// `$5 hello`: binary-safe bytes; nil is the null bulk string (`$-1`).
  case bulkString(ByteBuffer?)
  /// `*2 …`: a sequence of values; nil is the null array (`*-1`).
  case array([RESPValue]?)

  /// `+OK`.
  public static let ok = RESPValue.simpleString("OK")
  /// The null bulk string, Redis's "no such key".
  public static let null = RESPValue.bulkString(nil)

  /// A bulk string holding the bytes of `text`.
  public static func bulk(_ text: String) -> RESPValue { .bulkString(ByteBuffer(string: text)) }

  /// A command: an array of bulk strings, as clients send it.
  public static func command(_ words: String...) -> RESPValue { .array(words.map(bulk)) }

  /// The bytes of a bulk or simple string, else nil.
  public var bytes: ByteBuffer? {
    switch self {
    case .bulkString(let bytes): bytes
    case .simpleString(let text): ByteBuffer(string: text)
    case .error, .integer, .array: nil
    }
  }
}
