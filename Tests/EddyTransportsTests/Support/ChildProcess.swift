#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A child process started through `/bin/sh -c SCRIPT`, its standard output read through a pipe
/// and its standard error discarded.
final class ChildProcess {
  let pid: pid_t
  private let output: Int32

  /// Starts `/bin/sh -c script arguments...` (the arguments are `$0`, `$1`, … of the script).
  init?(script: String, arguments: [String]) {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { return nil }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], STDOUT_FILENO)
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
    let argv = (["/bin/sh", "-c", script] + arguments).map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    // The child starts with no signal blocked and every signal at its default disposition,
    // whatever this test thread blocks or ignores.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var signals = sigset_t()
    sigemptyset(&signals)
    posix_spawnattr_setsigmask(&attributes, &signals)
    sigfillset(&signals)
    posix_spawnattr_setsigdefault(&attributes, &signals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var child: pid_t = 0
    let status = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, environ)
    close(pipeEnds[1])
    guard status == 0 else {
      close(pipeEnds[0])
      return nil
    }
    pid = child
    output = pipeEnds[0]
  }

  deinit {
    close(output)
    if kill(pid, 0) == 0 {
      kill(pid, SIGKILL)
      _ = waitForExit()
    }
  }

  /// The next line of standard output, without its newline; nil at end of output.
  func readLine() -> String? {
    var line: [UInt8] = []
    var byte: UInt8 = 0
    while read(output, &byte, 1) == 1 {
      if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
      line.append(byte)
    }
    return line.isEmpty ? nil : String(decoding: line, as: UTF8.self)
  }

  /// Sends `signal` to the child.
  func send(_ signal: Int32) { kill(pid, signal) }

  /// Waits for the child to exit; its exit status, or nil if a signal killed it.
  func waitForExit() -> Int32? {
    var status: Int32 = 0
    guard waitpid(pid, &status, 0) == pid else { return nil }
    return status & 0x7F == 0 ? (status >> 8) & 0xFF : nil
  }
}

/// The path of a tool built next to the running test bundle, such as `echo-server`.
func builtTool(_ name: String) -> String? {
  var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
  let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
  guard length > 0 else { return nil }
  let executable = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  guard let slash = executable.lastIndex(of: "/") else { return nil }
  let path = executable[..<slash] + "/" + name
  return access(path, X_OK) == 0 ? String(path) : nil
}
