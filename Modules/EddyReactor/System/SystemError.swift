#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A failed system call: which one, and the `errno` it left.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The call that failed, such as `"connect"`.
  public let operation: String
  /// The `errno` value.
  public let errno: Int32

  /// Creates the error for `operation` with an explicit `errno`.
  public init(_ operation: String, errno: Int32) {
    self.operation = operation
    self.errno = errno
  }

  /// Creates the error for `operation` from the calling thread's current `errno`.
  public init(_ operation: String) {
    self.init(operation, errno: currentErrno())
  }

  /// `operation: strerror (errno N)`.
  public var description: String {
    "\(operation): \(String(cString: strerror(errno))) (errno \(errno))"
  }
}

/// The calling thread's `errno`.
@inlinable
package func currentErrno() -> Int32 {
  #if canImport(Glibc)
    Glibc.errno
  #elseif canImport(Musl)
    Musl.errno
  #else
    Darwin.errno
  #endif
}

/// `close(2)`, reachable from types that have a `close()` method of their own.
@inlinable
@discardableResult
package func systemClose(_ fd: Int32) -> Int32 {
  #if canImport(Glibc)
    Glibc.close(fd)
  #elseif canImport(Musl)
    Musl.close(fd)
  #else
    Darwin.close(fd)
  #endif
}
