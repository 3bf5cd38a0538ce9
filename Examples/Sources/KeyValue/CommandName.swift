import EddyProtocols

/// A command's name folded to upper case and packed into one integer, so that dispatching a
/// command compares integers and allocates nothing. Names longer than eight bytes are unknown.
struct CommandName: Hashable, Sendable {
  let packed: UInt64

  /// Packs `name` (ASCII letters in any case); nil when it is longer than eight bytes.
  init?(_ name: ByteBuffer) {
    guard name.readableBytes <= 8 else { return nil }
    var packed: UInt64 = 0
    for index in 0..<name.readableBytes {
      var byte = name.getByte(at: index) ?? 0
      if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") { byte -= 32 }
      packed = packed << 8 | UInt64(byte)
    }
    self.packed = packed
  }

  /// Packs a constant name, given in upper case.
  init(constant name: String) {
    // swift-format-ignore: NeverForceUnwrap
    self.init(ByteBuffer(string: name))!
  }

  static let ping = CommandName(constant: "PING")
  static let echo = CommandName(constant: "ECHO")
  static let get = CommandName(constant: "GET")
  static let set = CommandName(constant: "SET")
  static let del = CommandName(constant: "DEL")
  static let exists = CommandName(constant: "EXISTS")
  static let incr = CommandName(constant: "INCR")
  static let decr = CommandName(constant: "DECR")
  static let expire = CommandName(constant: "EXPIRE")
  static let ttl = CommandName(constant: "TTL")
  static let dbsize = CommandName(constant: "DBSIZE")
  static let flushall = CommandName(constant: "FLUSHALL")
  static let config = CommandName(constant: "CONFIG")
  static let command = CommandName(constant: "COMMAND")
  static let quit = CommandName(constant: "QUIT")
  static let ex = CommandName(constant: "EX")
  static let px = CommandName(constant: "PX")
  static let nx = CommandName(constant: "NX")
  static let xx = CommandName(constant: "XX")
}
