#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A peer process (Python, the openssl command) whose standard output and error the test reads
/// line by line. Every wait is bounded; the process is killed if it outlives the test.
final class ChildProcess: @unchecked Sendable {
  // @unchecked: used from one test task at a time.
  let pid: pid_t
  private let output: Int32
  private var pending: [UInt8] = []
  private var exitStatus: Int32?
  /// Every line read so far.
  private(set) var lines: [String] = []

  /// Starts `arguments[0]` (searched in PATH) with `stdin` as its standard input (/dev/null when nil).
  init(_ arguments: [String], stdin: String? = nil) throws {
    var pipeFDs: [Int32] = [0, 0]
    guard pipe(&pipeFDs) == 0 else { throw ChildProcessError.spawnFailed(arguments, errno) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
    posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
    posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
    posix_spawn_file_actions_addclose(&actions, pipeFDs[1])
    var argv = arguments.map { strdup($0) } + [nil]
    defer { for arg in argv { free(arg) } }
    var child: pid_t = 0
    let result = posix_spawnp(&child, arguments[0], &actions, nil, &argv, environ)
    close(pipeFDs[1])
    guard result == 0 else {
      close(pipeFDs[0])
      throw ChildProcessError.spawnFailed(arguments, result)
    }
    pid = child
    output = pipeFDs[0]
  }

  deinit {
    if exitStatus == nil {
      kill(pid, SIGKILL)
      var status: Int32 = 0
      waitpid(pid, &status, 0)
    }
    close(output)
  }

  /// The next line of output, or nil at the end of output or after `seconds`.
  func readLine(within seconds: Double = 10) -> String? {
    let deadline = now() + seconds
    while true {
      if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: pending[..<newline], as: UTF8.self)
        pending.removeSubrange(...newline)
        lines.append(line)
        return line
      }
      let remaining = deadline - now()
      guard remaining > 0 else { return nil }
      var poller = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
      guard poll(&poller, 1, Int32(remaining * 1000) + 1) > 0 else { continue }
      var chunk = [UInt8](repeating: 0, count: 4096)
      let count = read(output, &chunk, chunk.count)
      if count <= 0 {
        guard !pending.isEmpty else { return nil }
        pending.append(UInt8(ascii: "\n"))
      } else {
        pending.append(contentsOf: chunk[..<count])
      }
    }
  }

  /// Reads lines until one starts with `prefix`; returns it, or nil.
  func line(startingWith prefix: String, within seconds: Double = 10) -> String? {
    let deadline = now() + seconds
    while let line = readLine(within: max(0, deadline - now())) {
      if line.hasPrefix(prefix) { return line }
    }
    return nil
  }

  /// Reads the rest of the output and waits for the exit; returns the exit status, or nil if
  /// the process was still running after `seconds` (it is then killed).
  @discardableResult
  func finish(within seconds: Double = 10) -> Int32? {
    let deadline = now() + seconds
    while readLine(within: max(0, deadline - now())) != nil {}
    while now() < deadline {
      var status: Int32 = 0
      if waitpid(pid, &status, WNOHANG) == pid {
        exitStatus = (status >> 8) & 0xff
        return exitStatus
      }
      usleep(5000)
    }
    return nil
  }

  /// All output read so far, one line per line.
  var transcript: String { lines.joined(separator: "\n") }

  private func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}

enum ChildProcessError: Error {
  case spawnFailed([String], Int32)
}
