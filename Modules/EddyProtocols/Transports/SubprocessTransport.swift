/// A running child process and the pipes to its standard streams.
public protocol SubprocessTransport: Transport {
  /// The child's process id.
  var pid: Int32 { get }

  /// The exit status once the child has exited (negative: killed by that signal), else nil.
  var returnCode: Int32? { get }

  /// The transport of the pipe to the child's `fd` (0, 1 or 2), when that stream is a pipe.
  func pipeTransport(fd: Int32) -> (any Transport)?

  /// Sends `signal` to the child.
  func sendSignal(_ signal: Int32)

  /// Sends SIGTERM.
  func terminate()

  /// Sends SIGKILL.
  func kill()
}
