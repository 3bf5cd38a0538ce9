/// Where one of a child's standard streams goes.
public enum SubprocessStdio: Sendable, Equatable {
  /// A pipe to this process, served by a pipe transport (see
  /// ``ChildProcessTransport/pipeTransport(fd:)``).
  case pipe
  /// The same file as this process's stream of that number.
  case inherit
  /// `/dev/null`.
  case devNull
  /// A descriptor of this process (which keeps it: the child gets a duplicate).
  case fileDescriptor(Int32)
}
