import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A connection attempt in progress, returned by `createConnection` and `createUnixConnection`.
///
/// Like a ``/EddyReactor/CallbackHandle``, it belongs to the loop's thread: cancel it only from there.
public struct ConnectHandle {
  private let attempt: ConnectAttempt

  init(_ attempt: ConnectAttempt) { self.attempt = attempt }

  /// Abandons the attempt if it has not completed yet: its socket is closed at once and the
  /// completion receives ``ConnectError/system(_:)`` with `ECANCELED`. Does nothing once the
  /// completion has run. Call from the loop's thread.
  public func cancel() {
    attempt.cancel()
  }
}

extension ConnectError {
  /// The error an attempt reports when it was cancelled or its loop closed.
  static var cancelled: ConnectError { .system(SystemError("connect", errno: ECANCELED)) }
}
