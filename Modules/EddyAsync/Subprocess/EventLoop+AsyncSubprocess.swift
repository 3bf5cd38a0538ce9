import EddyProtocols
import EddyReactor
import EddyTransports

extension EventLoop {
  /// Starts `argv[0]` with arguments `argv` as
  /// ``/EddyTransports/EddyReactor/EventLoop/subprocessExec(argv:env:cwd:stdin:stdout:stderr:protocolFactory:)``
  /// does, and returns once it runs, with each piped stream an ``AsyncConnection`` configured by
  /// `configuration`. Safe from any task. A task cancelled by the time the child has started
  /// kills it and gets `CancellationError`.
  ///
  /// - Throws: ``/EddyTransports/SubprocessError``, `CancellationError`.
  public func subprocessExec(
    argv: [String], env: [String: String]? = nil, cwd: String? = nil,
    stdin: SubprocessStdio = .pipe, stdout: SubprocessStdio = .pipe, stderr: SubprocessStdio = .pipe,
    configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncSubprocess {
    let process = try await submit {
      let bridge = SubprocessBridge(loop: self, configuration: configuration)
      let child = try self.subprocessExec(
        argv: argv, env: env, cwd: cwd, stdin: stdin, stdout: stdout, stderr: stderr,
        protocolFactory: { bridge })
      return AsyncSubprocess(bridge: bridge, child: child)
    }
    if Task.isCancelled {
      process.kill()
      throw CancellationError()
    }
    return process
  }

  /// Runs `command` with `/bin/sh -c`; otherwise as
  /// ``subprocessExec(argv:env:cwd:stdin:stdout:stderr:configuration:)``.
  public func subprocessShell(
    command: String, env: [String: String]? = nil, cwd: String? = nil,
    stdin: SubprocessStdio = .pipe, stdout: SubprocessStdio = .pipe, stderr: SubprocessStdio = .pipe,
    configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncSubprocess {
    try await subprocessExec(
      argv: ["/bin/sh", "-c", command], env: env, cwd: cwd, stdin: stdin, stdout: stdout, stderr: stderr,
      configuration: configuration)
  }
}
