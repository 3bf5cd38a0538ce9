import EddyReactor

/// Why a descriptor could not be connected as a pipe.
public enum PipeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The descriptor is not a pipe, a FIFO, a socket or a character device (a tty), which are
  /// the descriptors whose readiness the loop can watch.
  case unsupportedDescriptor(fd: Int32)
  /// A system call failed (for example `fstat` on a closed descriptor).
  case system(SystemError)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .unsupportedDescriptor(let fd): "descriptor \(fd) is not a pipe, FIFO, socket or character device"
    case .system(let error): "cannot connect the pipe: \(error)"
    }
  }
}
