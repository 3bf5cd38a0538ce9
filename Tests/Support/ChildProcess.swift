import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A program a test runs: started with `posix_spawnp`, its standard output and error going to
/// files so that neither can fill a pipe and stall it, every wait bounded, and killed if it
/// outlives this object.
///
/// The child starts with no signal blocked and every signal at its default disposition, whatever
/// the test runner's threads block or ignore (or it could not be stopped with SIGTERM).
package final class ChildProcess: Sendable {
  /// The child's process ID.
  package let pid: pid_t
  private let outputPath: String
  private let errorPath: String
  private let state = Mutex(State())

  private struct State {
    /// The exit status, once the child has been reaped.
    var status: Int32?
    /// The lines of standard output ``readLine(within:)`` has returned.
    var linesRead = 0
  }

  /// Why a program could not be started.
  package struct SpawnError: Error, CustomStringConvertible {
    /// The program.
    package let executable: String
    /// The error `posix_spawnp` returned.
    package let errno: Int32
    /// The program and the error.
    package var description: String { "cannot start \(executable): errno \(errno)" }
  }

  /// Starts `executable` (searched in PATH unless it contains a slash) with `arguments`.
  ///
  /// - Parameters:
  ///   - standardInput: a file to read standard input from; /dev/null when nil.
  ///   - mergingErrors: whether standard error goes to standard output, interleaved as written
  ///     (``standardError`` is then empty).
  package init(
    _ executable: String, _ arguments: [String] = [], standardInput: String? = nil,
    mergingErrors: Bool = false
  ) throws {
    let tag = "/tmp/eddy-child-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    outputPath = tag + ".out"
    errorPath = tag + ".err"
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, standardInput ?? "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    if mergingErrors {
      posix_spawn_file_actions_adddup2(&actions, 1, 2)
    } else {
      posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var signals = sigset_t()
    sigemptyset(&signals)
    posix_spawnattr_setsigmask(&attributes, &signals)
    sigfillset(&signals)
    posix_spawnattr_setsigdefault(&attributes, &signals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    var child: pid_t = 0
    let result = posix_spawnp(&child, executable, &actions, &attributes, argv, environ)
    guard result == 0 else {
      unlink(outputPath)
      unlink(errorPath)
      throw SpawnError(executable: executable, errno: result)
    }
    pid = child
  }

  /// Starts `/bin/sh -c script arguments...` (the arguments are `$0`, `$1`, … of the script).
  package convenience init(script: String, arguments: [String] = []) throws {
    try self.init("/bin/sh", ["-c", script] + arguments)
  }

  deinit {
    if poll() == nil {
      kill(pid, SIGKILL)
      _ = poll(blocking: true)
    }
    unlink(outputPath)
    unlink(errorPath)
  }

  /// Everything written to standard output so far.
  package var standardOutput: String { Self.contents(of: outputPath) }

  /// Everything written to standard error so far.
  package var standardError: String { Self.contents(of: errorPath) }

  /// The lines of standard output so far, the last one even without its newline.
  package var lines: [String] { outputLines(includingUnfinished: true) }

  /// The exit status if the process has ended, without waiting: the exit code, or 128 plus the
  /// signal's number when a signal ended it.
  package var exitStatus: Int32? { poll() }

  /// Sends `signal` to the process.
  package func signal(_ signal: Int32) { kill(pid, signal) }

  /// Waits at most `seconds` for the process to exit and returns its ``exitStatus``; kills it
  /// and returns nil when it does not exit in time.
  @discardableResult
  package func wait(seconds: Double) async -> Int32? {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
      if let status = poll() { return status }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return killed()
  }

  /// ``wait(seconds:)`` for code that cannot suspend, such as a static initializer: blocks the
  /// calling thread.
  @discardableResult
  package func blockingWait(seconds: Double) -> Int32? {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
      if let status = poll() { return status }
      usleep(5000)
    }
    return killed()
  }

  /// The next line of standard output not yet returned, without its newline; waits at most
  /// `seconds` for it. Nil after `seconds`, or when the process has exited and written no more.
  package func readLine(within seconds: Double = 10) async -> String? {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while true {
      let exited = poll() != nil
      let lines = outputLines(includingUnfinished: exited)
      let next: String? = state.withLock { state in
        guard state.linesRead < lines.count else { return nil }
        state.linesRead += 1
        return lines[state.linesRead - 1]
      }
      if let next { return next }
      if exited || ContinuousClock.now >= deadline { return nil }
      try? await Task.sleep(for: .milliseconds(10))
    }
  }

  /// The first line of standard output that starts with `prefix`; waits at most `seconds` for
  /// it. Nil after `seconds`, or when the process has exited without writing it.
  package func line(startingWith prefix: String, within seconds: Double = 10) async -> String? {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while true {
      let exited = poll() != nil
      if let found = outputLines(includingUnfinished: exited).first(where: { $0.hasPrefix(prefix) }) {
        return found
      }
      if exited || ContinuousClock.now >= deadline { return nil }
      try? await Task.sleep(for: .milliseconds(10))
    }
  }

  /// The lines of standard output, with the one still being written when `includingUnfinished`.
  private func outputLines(includingUnfinished: Bool) -> [String] {
    var lines = standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let unfinished = lines.removeLast()
    if includingUnfinished && !unfinished.isEmpty { lines.append(unfinished) }
    return lines
  }

  /// Kills the process and reaps it; nil, for a wait that timed out.
  private func killed() -> Int32? {
    kill(pid, SIGKILL)
    _ = poll(blocking: true)
    return nil
  }

  private func poll(blocking: Bool = false) -> Int32? {
    state.withLock { state in
      if let status = state.status { return status }
      var raw: Int32 = 0
      guard waitpid(pid, &raw, blocking ? 0 : WNOHANG) == pid else { return nil }
      let signalled = raw & 0x7F
      state.status = signalled == 0 ? (raw >> 8) & 0xFF : 128 + signalled
      return state.status
    }
  }

  private static func contents(of path: String) -> String {
    guard let file = fopen(path, "r") else { return "" }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = fread(&chunk, 1, chunk.count, file)
      if count <= 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
