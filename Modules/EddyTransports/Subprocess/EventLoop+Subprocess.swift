import EddyProtocols
import EddyReactor

extension EventLoop {
  /// Starts `argv[0]` (looked up in this process's `PATH` when it has no slash) with arguments `argv`, the
  /// environment `env` (nil: this process's), in directory `cwd` (nil: this process's), each
  /// standard stream wired as given, and a protocol made by `protocolFactory`, whose
  /// `connectionMade` has been called when this returns.
  ///
  /// The child is spawned with `posix_spawn` and reaped when it exits, which a pidfd reports
  /// (SIGCHLD where there are no pidfds). A stdin pipe makes this process ignore SIGPIPE, as
  /// ``connectWritePipe(fd:protocolFactory:)`` does; the child starts with it at its default.
  /// Call from the loop's thread.
  public func subprocessExec(
    argv: [String], env: [String: String]? = nil, cwd: String? = nil,
    stdin: SubprocessStdio = .pipe, stdout: SubprocessStdio = .pipe, stderr: SubprocessStdio = .pipe,
    protocolFactory: () -> any SubprocessProtocol
  ) throws(SubprocessError) -> ChildProcessTransport {
    try subprocessExec(
      argv: argv, env: env, cwd: cwd, stdin: stdin, stdout: stdout, stderr: stderr, exitDetection: .automatic,
      protocolFactory: protocolFactory)
  }

  /// Runs `command` with `/bin/sh -c`; otherwise as
  /// ``subprocessExec(argv:env:cwd:stdin:stdout:stderr:protocolFactory:)``.
  public func subprocessShell(
    command: String, env: [String: String]? = nil, cwd: String? = nil,
    stdin: SubprocessStdio = .pipe, stdout: SubprocessStdio = .pipe, stderr: SubprocessStdio = .pipe,
    protocolFactory: () -> any SubprocessProtocol
  ) throws(SubprocessError) -> ChildProcessTransport {
    try subprocessExec(
      argv: ["/bin/sh", "-c", command], env: env, cwd: cwd, stdin: stdin, stdout: stdout, stderr: stderr,
      exitDetection: .automatic, protocolFactory: protocolFactory)
  }

  /// ``subprocessExec(argv:env:cwd:stdin:stdout:stderr:protocolFactory:)`` with a choice of how
  /// the child's exit is noticed.
  package func subprocessExec(
    argv: [String], env: [String: String]? = nil, cwd: String? = nil,
    stdin: SubprocessStdio = .pipe, stdout: SubprocessStdio = .pipe, stderr: SubprocessStdio = .pipe,
    exitDetection: ExitDetection, protocolFactory: () -> any SubprocessProtocol
  ) throws(SubprocessError) -> ChildProcessTransport {
    assertInLoopThread()
    let child = try ProcessSpawner.spawn(argv: argv, env: env, cwd: cwd, stdio: [stdin, stdout, stderr])
    return try ChildProcessTransport.start(
      loop: self, child: child, protocol: protocolFactory(), exitDetection: exitDetection)
  }
}
