#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a loop learns that its descriptors are ready.
///
/// ``epoll`` is the default. ``ioUring`` asks Linux io_uring instead: the loop queues its
/// interest changes and its polls, and submits them and waits in one `io_uring_enter` per
/// turn. Where io_uring is refused (an old kernel, `kernel.io_uring_disabled`, a seccomp
/// profile), creating a loop with ``ioUring`` throws, and ``auto`` picks ``epoll``.
public enum EventLoopBackend: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// Readiness from `epoll` (kqueue on Darwin).
  case epoll
  /// Readiness from poll requests on a Linux io_uring.
  case ioUring = "io_uring"
  /// ``ioUring`` where the kernel offers it, else ``epoll``.
  case auto

  /// The backend a loop gets when none is named: the value of the environment variable
  /// `EDDY_BACKEND` (`epoll`, `io_uring` or `auto`) when it is set, else ``epoll``. Read once.
  /// An unknown value makes creating a loop throw ``EventLoopBackendError/unknownName(_:)``.
  public static var `default`: EventLoopBackend {
    get throws(EventLoopBackendError) { try environmentDefault.get() }
  }

  private static let environmentDefault: Result<EventLoopBackend, EventLoopBackendError> = {
    guard let value = getenv("EDDY_BACKEND") else { return .success(.epoll) }
    let name = String(cString: value)
    guard let backend = EventLoopBackend(rawValue: name) else { return .failure(.unknownName(name)) }
    return .success(backend)
  }()

  /// `epoll`, `io_uring` or `auto`.
  public var description: String { rawValue }

  /// The names a backend goes by, for messages: `epoll, io_uring or auto`.
  public static let names = "epoll, io_uring or auto"
}

/// Why a loop could not have the backend it asked for.
public enum EventLoopBackendError: Error, Sendable, Equatable, CustomStringConvertible {
  /// io_uring was asked for, and the kernel refused it (`io_uring_setup` failed with `errno`).
  case ioUringUnavailable(errno: Int32)
  /// `EDDY_BACKEND` names no backend.
  case unknownName(String)

  /// A sentence naming the backend and the reason.
  public var description: String {
    switch self {
    case .ioUringUnavailable(let errno):
      let reason = String(cString: strerror(errno))
      let hint =
        errno == EPERM
        ? " (kernel.io_uring_disabled, or a seccomp profile, forbids it)"
        : errno == ENOSYS ? " (this kernel has no io_uring)" : ""
      return "io_uring is not available: io_uring_setup: \(reason) (errno \(errno))\(hint)"
    case .unknownName(let name):
      return "EDDY_BACKEND=\(name): expected \(EventLoopBackend.names)"
    }
  }
}
