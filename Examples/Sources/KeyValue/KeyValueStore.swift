import EddyProtocols
import RESP

/// The data of a key-value server: byte-string keys and values with optional expiry, and the
/// commands that read and change them (PING, ECHO, GET, SET with EX/PX/NX/XX, DEL, EXISTS, INCR,
/// DECR, EXPIRE, TTL, DBSIZE, FLUSHALL, and the CONFIG GET and COMMAND that clients ask on
/// connecting).
///
/// A store belongs to one event loop's thread, like the connections that share it. Expired keys
/// are removed when a command touches them (Redis also samples keys in the background; this
/// store does not, so a key that expires and is never touched again keeps its memory until
/// FLUSHALL).
public final class KeyValueStore {
  private struct Entry {
    var value: ByteBuffer
    var expiresAt: ContinuousClock.Instant?
  }

  private var entries: [ByteBuffer: Entry] = [:]
  private let now: () -> ContinuousClock.Instant

  /// Creates an empty store; `now` is its clock (the continuous clock by default).
  public init(now: @escaping () -> ContinuousClock.Instant = { ContinuousClock.now }) {
    self.now = now
  }

  /// The number of keys held, expired ones not yet removed included.
  public var count: Int { entries.count }

  /// Runs one command (an array of bulk strings) and returns its reply.
  public func execute(_ command: RESPValue) -> RESPValue {
    guard case .array(let words?) = command, let first = words.first?.bytes else {
      return .error("ERR Protocol error: expected an array of bulk strings")
    }
    guard words.allSatisfy({ $0.bytes != nil }) else {
      return .error("ERR Protocol error: expected bulk strings")
    }
    let arguments = Arguments(words: words)
    guard let name = CommandName(first) else { return unknown(first) }
    switch name {
    case .ping: return ping(arguments)
    case .echo: return arguments.count == 1 ? .bulkString(arguments[0]) : wrongArity("echo")
    case .get: return arguments.count == 1 ? get(arguments[0]) : wrongArity("get")
    case .set: return set(arguments)
    case .del: return arguments.isEmpty ? wrongArity("del") : .integer(Int64(arguments.count { remove($0) }))
    case .exists:
      return arguments.isEmpty ? wrongArity("exists") : .integer(Int64(arguments.count { live($0) != nil }))
    case .incr: return arguments.count == 1 ? add(1, to: arguments[0]) : wrongArity("incr")
    case .decr: return arguments.count == 1 ? add(-1, to: arguments[0]) : wrongArity("decr")
    case .expire:
      return arguments.count == 2 ? expire(arguments[0], seconds: arguments[1]) : wrongArity("expire")
    case .ttl: return arguments.count == 1 ? ttl(arguments[0]) : wrongArity("ttl")
    case .dbsize: return .integer(Int64(entries.count))
    case .flushall:
      entries.removeAll()
      return .ok
    case .config: return config(arguments)
    case .command:
      // Clients ask for command docs on connecting: there is nothing to tell.
      return .array([])
    default: return unknown(first)
    }
  }

  // MARK: Commands

  private func ping(_ arguments: Arguments) -> RESPValue {
    switch arguments.count {
    case 0: .simpleString("PONG")
    case 1: .bulkString(arguments[0])
    default: wrongArity("ping")
    }
  }

  /// `CONFIG GET name`: the settings clients such as redis-benchmark ask for, as a server without
  /// persistence has them; any other name has no value.
  private func config(_ arguments: Arguments) -> RESPValue {
    guard arguments.count == 2, arguments[0].string.uppercased() == "GET" else {
      return .error("ERR only CONFIG GET is supported")
    }
    let name = arguments[1].string.lowercased()
    switch name {
    case "save": return .array([.bulk(name), .bulk("")])
    case "appendonly": return .array([.bulk(name), .bulk("no")])
    default: return .array([])
    }
  }

  private func get(_ key: ByteBuffer) -> RESPValue {
    guard let entry = live(key) else { return .null }
    return .bulkString(entry.value)
  }

  private func set(_ arguments: Arguments) -> RESPValue {
    guard arguments.count >= 2 else { return wrongArity("set") }
    var expiresAt: ContinuousClock.Instant?
    var onlyIfAbsent = false
    var onlyIfPresent = false
    var index = 2
    while index < arguments.count {
      let option = CommandName(arguments[index])
      switch option {
      case .ex?, .px?:
        guard index + 1 < arguments.count, let amount = Self.integer(arguments[index + 1]), amount > 0 else {
          return .error("ERR invalid expire time in 'set' command")
        }
        let unit: Duration = option == .ex ? .seconds(1) : .milliseconds(1)
        expiresAt = now() + unit * amount
        index += 2
      case .nx?:
        onlyIfAbsent = true
        index += 1
      case .xx?:
        onlyIfPresent = true
        index += 1
      default:
        return .error("ERR syntax error")
      }
    }
    if onlyIfAbsent && onlyIfPresent { return .error("ERR syntax error") }
    if onlyIfAbsent || onlyIfPresent {
      let exists = live(arguments[0]) != nil
      if (onlyIfAbsent && exists) || (onlyIfPresent && !exists) { return .null }
    }
    entries[Self.owned(arguments[0])] = Entry(value: Self.owned(arguments[1]), expiresAt: expiresAt)
    return .ok
  }

  private func add(_ delta: Int64, to key: ByteBuffer) -> RESPValue {
    var current: Int64 = 0
    var expiresAt: ContinuousClock.Instant?
    if let entry = live(key) {
      guard let value = Self.integer(entry.value) else {
        return .error("ERR value is not an integer or out of range")
      }
      current = value
      expiresAt = entry.expiresAt
    }
    let (result, overflow) = current.addingReportingOverflow(delta)
    guard !overflow else { return .error("ERR increment or decrement would overflow") }
    var digits = ByteBuffer(capacity: 20)
    digits.writeString(String(result))
    if let index = entries.index(forKey: key) {
      entries.values[index] = Entry(value: digits, expiresAt: expiresAt)
    } else {
      entries[Self.owned(key)] = Entry(value: digits, expiresAt: expiresAt)
    }
    return .integer(result)
  }

  private func expire(_ key: ByteBuffer, seconds: ByteBuffer) -> RESPValue {
    guard let amount = Self.integer(seconds) else {
      return .error("ERR value is not an integer or out of range")
    }
    guard live(key) != nil else { return .integer(0) }
    if amount <= 0 {
      remove(key)
    } else {
      entries[key]?.expiresAt = now() + .seconds(amount)
    }
    return .integer(1)
  }

  private func ttl(_ key: ByteBuffer) -> RESPValue {
    guard let entry = live(key) else { return .integer(-2) }
    guard let expiresAt = entry.expiresAt else { return .integer(-1) }
    let left = now().duration(to: expiresAt)
    // Redis rounds the seconds left to the nearest.
    let milliseconds = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
    return .integer((milliseconds + 500) / 1000)
  }

  // MARK: Helpers

  /// The entry of `key` unless it has expired (an expired one is removed).
  private func live(_ key: ByteBuffer) -> Entry? {
    guard let entry = entries[key] else { return nil }
    if let expiresAt = entry.expiresAt, expiresAt <= now() {
      entries[key] = nil
      return nil
    }
    return entry
  }

  @discardableResult
  private func remove(_ key: ByteBuffer) -> Bool {
    guard live(key) != nil else { return false }
    entries[key] = nil
    return true
  }

  /// A compact copy of bytes that may be a slice of a received buffer, so that the store keeps
  /// neither that buffer's storage nor a reference the next read would have to copy around.
  private static func owned(_ bytes: ByteBuffer) -> ByteBuffer {
    var copy = ByteBuffer(capacity: bytes.readableBytes)
    copy.writeBuffer(bytes)
    return copy
  }

  /// The bytes as a decimal 64-bit integer (an optional minus sign, then digits), or nil.
  private static func integer(_ bytes: ByteBuffer) -> Int64? {
    guard bytes.readableBytes > 0, bytes.readableBytes <= 20 else { return nil }
    return bytes.withUnsafeReadableBytes { raw -> Int64? in
      let negative = raw[0] == UInt8(ascii: "-")
      let digits = negative ? raw.dropFirst() : raw[...]
      guard !digits.isEmpty else { return nil }
      var value: Int64 = 0
      for byte in digits {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        let digit = Int64(byte - UInt8(ascii: "0"))
        let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
        let (next, overflowB) =
          negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
        guard !overflowA, !overflowB else { return nil }
        value = next
      }
      return value
    }
  }

  private func wrongArity(_ command: String) -> RESPValue {
    .error("ERR wrong number of arguments for '\(command)' command")
  }

  private func unknown(_ name: ByteBuffer) -> RESPValue {
    let printable = String(name.string.prefix(64).filter { $0 != "\r" && $0 != "\n" })
    return .error("ERR unknown command '\(printable)', with args beginning with: ")
  }
}

/// A command's arguments (every word after its name), read in place from the decoded array: no
/// second array per command.
private struct Arguments {
  let words: [RESPValue]

  var count: Int { words.count - 1 }
  var isEmpty: Bool { words.count <= 1 }

  /// The bytes of argument `index` (from 0); every word was checked to be a string.
  subscript(index: Int) -> ByteBuffer { words[index + 1].bytes ?? ByteBuffer() }

  /// How many arguments satisfy `predicate`.
  func count(where predicate: (ByteBuffer) -> Bool) -> Int {
    var matching = 0
    for index in 0..<count where predicate(self[index]) { matching += 1 }
    return matching
  }
}
