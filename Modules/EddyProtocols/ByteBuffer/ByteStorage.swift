/// The storage behind ``ByteBuffer``: one tail-allocated heap object holding the bytes, so
/// a buffer costs a single allocation. Shared storage is never mutated (copy-on-write), which
/// is what makes ``ByteBuffer`` safe to send across threads.
@usableFromInline
final class ByteStorage: ManagedBuffer<Int, UInt8> {
  /// Storage shared by every empty buffer created with no capacity, so `ByteBuffer()` does not allocate.
  @usableFromInline
  nonisolated(unsafe) static let empty: ByteStorage = make(capacity: 0)

  @usableFromInline
  static func make(capacity: Int) -> ByteStorage {
    let object = ByteStorage.create(minimumCapacity: capacity) { _ in capacity }
    return unsafeDowncast(object, to: ByteStorage.self)
  }

  @inlinable
  static func allocate(capacity: Int) -> ByteStorage {
    capacity == 0 ? empty : make(capacity: capacity)
  }

  /// The usable size in bytes.
  @inlinable
  var byteCapacity: Int { header }

  /// The first byte. Stable for the object's lifetime.
  @inlinable
  var base: UnsafeMutableRawPointer {
    UnsafeMutableRawPointer(withUnsafeMutablePointerToElements { $0 })
  }
}
