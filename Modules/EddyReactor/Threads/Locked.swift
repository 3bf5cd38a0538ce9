#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A value guarded by a `pthread_mutex`, for state that threads share.
///
/// Eddy uses this rather than the standard library's `Mutex` because the thread sanitizer
/// understands `pthread_mutex` on every platform, so sanitizer runs report real races only.
///
/// The mutex and the value share one allocation, reached through pointers: the mutex already
/// makes each access exclusive, so the run-time exclusivity check a class's stored `var` would
/// cost on every `withLock` (a thread-local lookup and a table insert) is left out.
public final class Locked<Value>: @unchecked Sendable {
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private let value: UnsafeMutablePointer<Value>

  /// Guards `value`.
  public init(_ value: Value) {
    let valueOffset = Self.valueOffset
    let storage = UnsafeMutableRawPointer.allocate(
      byteCount: valueOffset + MemoryLayout<Value>.size,
      alignment: max(MemoryLayout<pthread_mutex_t>.alignment, MemoryLayout<Value>.alignment))
    mutex = storage.initializeMemory(as: pthread_mutex_t.self, to: pthread_mutex_t())
    self.value = (storage + valueOffset).initializeMemory(as: Value.self, to: value)
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    value.deinitialize(count: 1)
    mutex.deinitialize(count: 1)
    UnsafeMutableRawPointer(mutex).deallocate()
  }

  /// Where the value starts in the shared allocation: after the mutex, aligned for `Value`.
  private static var valueOffset: Int {
    let alignment = MemoryLayout<Value>.alignment
    return (MemoryLayout<pthread_mutex_t>.stride + alignment - 1) / alignment * alignment
  }

  /// Runs `body` with exclusive access to the value.
  public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body(&value.pointee)
  }
}
