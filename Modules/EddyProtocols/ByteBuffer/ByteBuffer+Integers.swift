/// The byte order of an integer on the wire.
public enum Endianness: Sendable {
  /// Most significant byte first (network order).
  case big
  /// Least significant byte first.
  case little
}

extension ByteBuffer {
  /// Reads the integer `offset` bytes after the reader index without moving it, or nil when
  /// not enough bytes are readable.
  @inlinable
  public func getInteger<T: FixedWidthInteger>(
    at offset: Int = 0, endianness: Endianness = .big, as type: T.Type = T.self
  ) -> T? {
    let size = MemoryLayout<T>.size
    guard offset >= 0, offset <= readableBytes &- size else { return nil }
    let raw = storage.base.loadUnaligned(fromByteOffset: reader &+ offset, as: T.self)
    return endianness == .big ? T(bigEndian: raw) : T(littleEndian: raw)
  }

  /// Reads an integer and moves the reader index past it, or returns nil.
  @inlinable
  public mutating func readInteger<T: FixedWidthInteger>(
    endianness: Endianness = .big, as type: T.Type = T.self
  ) -> T? {
    guard let value = getInteger(at: 0, endianness: endianness, as: T.self) else { return nil }
    reader &+= MemoryLayout<T>.size
    return value
  }

  /// Appends an integer in the given byte order.
  @inlinable
  public mutating func writeInteger<T: FixedWidthInteger>(_ value: T, endianness: Endianness = .big) {
    let size = MemoryLayout<T>.size
    reserveCapacity(minimumWritableBytes: size)
    let ordered = endianness == .big ? value.bigEndian : value.littleEndian
    storage.base.storeBytes(of: ordered, toByteOffset: writer, as: T.self)
    writer &+= size
  }

  /// Overwrites the integer `offset` bytes after the reader index; the bytes must be readable.
  @inlinable
  public mutating func setInteger<T: FixedWidthInteger>(
    _ value: T, at offset: Int, endianness: Endianness = .big
  ) {
    precondition(
      offset >= 0 && offset <= readableBytes &- MemoryLayout<T>.size, "set outside the readable bytes")
    makeUnique()
    let ordered = endianness == .big ? value.bigEndian : value.littleEndian
    storage.base.storeBytes(of: ordered, toByteOffset: reader &+ offset, as: T.self)
  }
}
