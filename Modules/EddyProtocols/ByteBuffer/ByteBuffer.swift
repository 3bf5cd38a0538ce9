#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A growable run of bytes with a read position and a write position.
///
/// `ByteBuffer` is the currency of every Eddy protocol and transport. It is a value type
/// with copy-on-write storage: copying or slicing it costs no bytes, and the first mutation of
/// a shared copy gives that copy storage of its own. Bytes between ``readerIndex`` and
/// ``writerIndex`` are the readable bytes; reading moves the reader index, writing appends at the
/// writer index and grows the storage as needed.
public struct ByteBuffer: @unchecked Sendable {
  @usableFromInline var storage: ByteStorage
  /// Offset of the first readable byte within the storage.
  @usableFromInline var reader: Int
  /// Offset one past the last readable byte within the storage.
  @usableFromInline var writer: Int

  /// Creates an empty buffer able to hold `capacity` bytes before it grows.
  @inlinable
  public init(capacity: Int = 0) {
    self.storage = ByteStorage.allocate(capacity: capacity)
    self.reader = 0
    self.writer = 0
  }

  /// Creates a buffer holding a copy of `bytes`.
  @inlinable
  public init(bytes: some Sequence<UInt8>) {
    self.init(capacity: bytes.underestimatedCount)
    self.writeBytes(bytes)
  }

  /// Creates a buffer holding the UTF-8 encoding of `string`.
  @inlinable
  public init(string: String) {
    self.init(capacity: string.utf8.count)
    self.writeString(string)
  }

  @inlinable
  init(storage: ByteStorage, reader: Int, writer: Int) {
    self.storage = storage
    self.reader = reader
    self.writer = writer
  }

  /// The number of bytes that can be read.
  @inlinable
  public var readableBytes: Int { writer &- reader }

  /// True when there is nothing to read.
  @inlinable
  public var isEmpty: Bool { writer == reader }

  /// The number of bytes that can be written before the storage must grow.
  @inlinable
  public var writableBytes: Int { storage.byteCapacity &- writer }

  /// The total size of the storage behind this buffer.
  @inlinable
  public var capacity: Int { storage.byteCapacity }

  /// The position of the first readable byte, counted from the start of the storage.
  @inlinable
  public var readerIndex: Int { reader }

  /// The position one past the last readable byte, counted from the start of the storage.
  @inlinable
  public var writerIndex: Int { writer }

  /// Calls `body` with the readable bytes. The pointer must not escape `body`.
  @inlinable
  public func withUnsafeReadableBytes<Result>(
    _ body: (UnsafeRawBufferPointer) throws -> Result
  ) rethrows -> Result {
    try withExtendedLifetime(storage) {
      try body(UnsafeRawBufferPointer(start: storage.base + reader, count: writer &- reader))
    }
  }

  /// Calls `body` with the readable bytes, mutable in place. The pointer must not escape `body`.
  @inlinable
  public mutating func withUnsafeMutableReadableBytes<Result>(
    _ body: (UnsafeMutableRawBufferPointer) throws -> Result
  ) rethrows -> Result {
    makeUnique()
    return try withExtendedLifetime(storage) {
      try body(UnsafeMutableRawBufferPointer(start: storage.base + reader, count: writer &- reader))
    }
  }

  /// Makes room for at least `minimumWritableBytes` more bytes, calls `body` with the writable
  /// region, and moves the writer index forward by the number of bytes `body` returns.
  ///
  /// This is how a transport reads from a socket straight into a buffer.
  @inlinable
  @discardableResult
  public mutating func writeWithUnsafeMutableBytes(
    minimumWritableBytes: Int,
    _ body: (UnsafeMutableRawBufferPointer) throws -> Int
  ) rethrows -> Int {
    reserveCapacity(minimumWritableBytes: minimumWritableBytes)
    let written = try withExtendedLifetime(storage) {
      try body(
        UnsafeMutableRawBufferPointer(start: storage.base + writer, count: storage.byteCapacity &- writer))
    }
    precondition(
      written >= 0 && written <= storage.byteCapacity &- writer, "wrote outside the writable region")
    writer &+= written
    return written
  }

  /// Ensures at least `minimumWritableBytes` bytes can be written without another allocation,
  /// giving this buffer storage of its own if it shares it.
  @inlinable
  public mutating func reserveCapacity(minimumWritableBytes: Int) {
    if _fastPath(isKnownUniquelyReferenced(&storage)) {
      if storage.byteCapacity &- writer >= minimumWritableBytes { return }
      if reader == writer {
        reader = 0
        writer = 0
        if storage.byteCapacity >= minimumWritableBytes { return }
      }
    }
    reallocate(minimumWritableBytes: minimumWritableBytes)
  }

  /// Copies the readable bytes to fresh storage sized for `minimumWritableBytes` more.
  @usableFromInline
  mutating func reallocate(minimumWritableBytes: Int) {
    let count = writer &- reader
    var newCapacity = Swift.max(64, storage.byteCapacity)
    while newCapacity < count + minimumWritableBytes { newCapacity &*= 2 }
    if isKnownUniquelyReferenced(&storage) && storage.byteCapacity >= count + minimumWritableBytes {
      // Enough room once the consumed prefix is dropped: slide the bytes down instead.
      memmove(storage.base, storage.base + reader, count)
    } else {
      let fresh = ByteStorage.allocate(capacity: newCapacity)
      fresh.base.copyMemory(from: storage.base + reader, byteCount: count)
      storage = fresh
    }
    reader = 0
    writer = count
  }

  @inlinable
  mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&storage) { reallocate(minimumWritableBytes: 0) }
  }

  /// Appends raw bytes.
  @inlinable
  public mutating func writeBytes(_ bytes: UnsafeRawBufferPointer) {
    let count = bytes.count
    guard count > 0 else { return }
    reserveCapacity(minimumWritableBytes: count)
    (storage.base + writer).copyMemory(from: bytes.baseAddress!, byteCount: count)
    writer &+= count
  }

  /// Appends the bytes of a sequence.
  @inlinable
  public mutating func writeBytes(_ bytes: some Sequence<UInt8>) {
    let handled: Void? = bytes.withContiguousStorageIfAvailable { writeBytes(UnsafeRawBufferPointer($0)) }
    if handled != nil { return }
    for byte in bytes { writeInteger(byte) }
  }

  /// Appends the readable bytes of another buffer.
  @inlinable
  public mutating func writeBuffer(_ other: ByteBuffer) {
    other.withUnsafeReadableBytes { writeBytes($0) }
  }

  /// Appends the UTF-8 encoding of a string.
  @inlinable
  public mutating func writeString(_ string: String) {
    var string = string
    string.withUTF8 { writeBytes(UnsafeRawBufferPointer($0)) }
  }

  /// Marks `count` readable bytes as read.
  @inlinable
  public mutating func moveReaderIndex(forwardBy count: Int) {
    precondition(count >= 0 && count <= writer &- reader, "moved the reader index past the readable bytes")
    reader &+= count
  }

  /// Drops the last `count` readable bytes.
  @inlinable
  public mutating func moveWriterIndex(backwardBy count: Int) {
    precondition(count >= 0 && count <= writer &- reader, "moved the writer index before the reader index")
    writer &-= count
  }

  /// Forgets every byte, keeping the storage when it is not shared.
  @inlinable
  public mutating func clear() {
    reader = 0
    writer = 0
    if !isKnownUniquelyReferenced(&storage) { storage = ByteStorage.allocate(capacity: storage.byteCapacity) }
  }

  /// A buffer sharing storage with this one that holds `length` readable bytes starting
  /// `offset` bytes after the reader index, or nil when they are not all readable.
  @inlinable
  public func getSlice(at offset: Int, length: Int) -> ByteBuffer? {
    guard offset >= 0, length >= 0, offset <= readableBytes &- length else { return nil }
    return ByteBuffer(storage: storage, reader: reader &+ offset, writer: reader &+ offset &+ length)
  }

  /// Reads `length` bytes as a buffer sharing this one's storage, or nil when fewer are readable.
  @inlinable
  public mutating func readSlice(length: Int) -> ByteBuffer? {
    guard let slice = getSlice(at: 0, length: length) else { return nil }
    reader &+= length
    return slice
  }

  /// Copies `length` bytes starting `offset` bytes after the reader index, or nil.
  @inlinable
  public func getBytes(at offset: Int, length: Int) -> [UInt8]? {
    guard let slice = getSlice(at: offset, length: length) else { return nil }
    return slice.withUnsafeReadableBytes { Array($0) }
  }

  /// Reads and copies `length` bytes, or returns nil when fewer are readable.
  @inlinable
  public mutating func readBytes(length: Int) -> [UInt8]? {
    guard let bytes = getBytes(at: 0, length: length) else { return nil }
    reader &+= length
    return bytes
  }

  /// Decodes `length` bytes starting `offset` bytes after the reader index as UTF-8, or nil.
  @inlinable
  public func getString(at offset: Int, length: Int) -> String? {
    guard let slice = getSlice(at: offset, length: length) else { return nil }
    return slice.withUnsafeReadableBytes { String(decoding: $0, as: UTF8.self) }
  }

  /// Reads `length` bytes as a UTF-8 string, or returns nil when fewer are readable.
  @inlinable
  public mutating func readString(length: Int) -> String? {
    guard let string = getString(at: 0, length: length) else { return nil }
    reader &+= length
    return string
  }

  /// A copy of every readable byte.
  @inlinable
  public var bytes: [UInt8] { withUnsafeReadableBytes { Array($0) } }

  /// The readable bytes decoded as UTF-8.
  @inlinable
  public var string: String { withUnsafeReadableBytes { String(decoding: $0, as: UTF8.self) } }

  /// The offset, counted from the reader index, of the first readable `byte` at or after
  /// `offset`, or nil when there is none or `offset` is not a readable position.
  @inlinable
  public func firstIndex(of byte: UInt8, from offset: Int = 0) -> Int? {
    withUnsafeReadableBytes { bytes in
      guard offset >= 0, offset < bytes.count, let base = bytes.baseAddress else { return nil }
      guard let found = memchr(base + offset, Int32(byte), bytes.count &- offset) else { return nil }
      return UnsafeRawPointer(found) - base
    }
  }

  /// The byte `offset` bytes after the reader index, or nil when it is not readable.
  @inlinable
  public func getByte(at offset: Int) -> UInt8? {
    guard offset >= 0, offset < readableBytes else { return nil }
    return storage.base.load(fromByteOffset: reader &+ offset, as: UInt8.self)
  }

  /// True when both buffers share the same storage (a test and diagnostics aid).
  @inlinable
  public func sharesStorage(with other: ByteBuffer) -> Bool { storage === other.storage }
}

extension ByteBuffer: Equatable {
  /// Buffers are equal when their readable bytes are equal.
  @inlinable
  public static func == (lhs: ByteBuffer, rhs: ByteBuffer) -> Bool {
    guard lhs.readableBytes == rhs.readableBytes else { return false }
    return lhs.withUnsafeReadableBytes { left in
      rhs.withUnsafeReadableBytes { right in
        left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
      }
    }
  }
}

extension ByteBuffer: Hashable {
  /// Hashes the readable bytes.
  @inlinable
  public func hash(into hasher: inout Hasher) {
    withUnsafeReadableBytes { hasher.combine(bytes: $0) }
  }
}

extension ByteBuffer: ExpressibleByArrayLiteral {
  /// Creates a buffer holding the listed bytes.
  @inlinable
  public init(arrayLiteral elements: UInt8...) { self.init(bytes: elements) }
}

extension ByteBuffer: ExpressibleByStringLiteral {
  /// Creates a buffer holding the literal's UTF-8 encoding.
  @inlinable
  public init(stringLiteral value: String) { self.init(string: value) }
}

extension ByteBuffer: CustomStringConvertible {
  /// A short description: the readable byte count and the first bytes in hex.
  public var description: String {
    let shown = withUnsafeReadableBytes {
      $0.prefix(16).map { byte in
        let hex = String(byte, radix: 16)
        return byte < 16 ? "0" + hex : hex
      }
    }
    let more = readableBytes > 16 ? " …" : ""
    return "ByteBuffer(\(readableBytes) bytes: \(shown.joined(separator: " "))\(more))"
  }
}
