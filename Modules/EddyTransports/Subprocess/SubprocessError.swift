import EddyReactor

/// Why a child process could not be started.
public enum SubprocessError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The argument list was empty: there is no program to run.
  case emptyArguments
  /// An argument, environment entry or directory contains a NUL byte, which C strings cannot hold.
  case invalidArgument(String)
  /// `posix_spawn` failed (for example `ENOENT` when there is no such program).
  case spawnFailed(executable: String, error: SystemError)
  /// Another system call failed while setting up the child's pipes or exit watch.
  case system(SystemError)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .emptyArguments: "no program to run: the argument list is empty"
    case .invalidArgument(let text): "argument contains a NUL byte: \(text.debugDescription)"
    case .spawnFailed(let executable, let error): "cannot run \(executable): \(error)"
    case .system(let error): "cannot start the child process: \(error)"
    }
  }
}
