/// The storage behind ``ByteBuffer``: one tail-allocated heap object holding the bytes, so
/// a buffer costs a single allocation. Shared storage is never mutated (copy-on-write), which
/// is what makes ``ByteBuffer`` safe to send across threads.
@usableFromInline
final class ByteStorage: ManagedBuffer<Int, UInt8> {
  /// Storage shared by every empty buffer created with no capacity, so `ByteBuffer()` does not allocate.
  @usableFromInline
  nonisolated(unsafe) static let empty: ByteStorage = make(capacity: 0)

  /// Storage at least this large starts its bytes on a cache-line boundary. The kernel copies
  /// into and out of such buffers (a socket read fills 64 KiB at a time) several times faster
  /// when the destination is aligned; small buffers are not worth the padding.
  @usableFromInline
  static let alignedCapacity = 4096

  /// The alignment of large storage.
  @usableFromInline
  static let lineSize = 64

  @usableFromInline
  static func make(capacity: Int) -> ByteStorage {
    let padding = capacity >= alignedCapacity ? lineSize - 1 : 0
    let object = ByteStorage.create(minimumCapacity: capacity + padding) { _ in capacity }
    return unsafeDowncast(object, to: ByteStorage.self)
  }

  @inlinable
  static func allocate(capacity: Int) -> ByteStorage {
    capacity == 0 ? empty : make(capacity: capacity)
  }

  /// The usable size in bytes. Read through a pointer: the header never changes after
  /// creation, and reading the `header` property itself costs a dynamic exclusivity check in
  /// every module that inlines this (two runtime calls per byte read).
  @inlinable
  var byteCapacity: Int { withUnsafeMutablePointerToHeader { $0.pointee } }

  /// The first byte (on a cache-line boundary for large storage). Stable for the object's lifetime.
  @inlinable
  var base: UnsafeMutableRawPointer {
    let elements = UnsafeMutableRawPointer(withUnsafeMutablePointerToElements { $0 })
    guard byteCapacity >= Self.alignedCapacity else { return elements }
    return elements.alignedUp(toMultipleOf: Self.lineSize)
  }
}
