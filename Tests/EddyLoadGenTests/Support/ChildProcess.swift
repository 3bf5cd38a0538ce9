#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A program started with `posix_spawn`, its standard output and error going to files so that
/// neither can fill a pipe and stall it.
final class ChildProcess {
  let pid: pid_t
  let stdoutPath: String
  let stderrPath: String
  private var status: Int32?

  /// The directory of the running test binary, where the package's executables are built too.
  static var productsDirectory: String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    let path = String(decoding: buffer.prefix(max(0, count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
  }

  /// Starts `executable` with `arguments`.
  init(_ executable: String, _ arguments: [String]) throws {
    let tag = "/tmp/eddy-child-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    stdoutPath = tag + ".out"
    stderrPath = tag + ".err"
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    // The test runner's threads may block signals; the child must start with none blocked and
    // default dispositions, or it could not be stopped with SIGTERM.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var child: pid_t = 0
    let result = posix_spawnp(&child, executable, &actions, &attributes, argv, environ)
    guard result == 0 else { throw SpawnError(errno: result, executable: executable) }
    pid = child
  }

  struct SpawnError: Error, CustomStringConvertible {
    let errno: Int32
    let executable: String
    var description: String { "cannot start \(executable): errno \(errno)" }
  }

  /// Everything written to standard output so far.
  var standardOutput: String { Self.contents(of: stdoutPath) }

  /// Everything written to standard error so far.
  var standardError: String { Self.contents(of: stderrPath) }

  /// Waits at most `seconds` for the process to exit and returns its exit status; kills it and
  /// returns nil when it does not exit in time.
  func wait(seconds: Double) async -> Int32? {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
      if let status = poll() { return status }
      try? await Task.sleep(for: .milliseconds(10))
    }
    kill(pid, SIGKILL)
    _ = poll(blocking: true)
    return nil
  }

  /// The exit status if the process has ended, without waiting.
  var exitStatus: Int32? { poll() }

  /// Sends `signal` to the process.
  func signal(_ signal: Int32) { kill(pid, signal) }

  /// Waits until standard output has a line starting with `prefix` and returns it.
  func line(startingWith prefix: String, within seconds: Double = 10) async -> String? {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
      if let found = standardOutput.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
        return String(found)
      }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return nil
  }

  private func poll(blocking: Bool = false) -> Int32? {
    if let status { return status }
    var raw: Int32 = 0
    guard waitpid(pid, &raw, blocking ? 0 : WNOHANG) == pid else { return nil }
    // Exit code when the process exited; 128 + signal number when a signal ended it.
    let signalled = raw & 0x7F
    status = signalled == 0 ? (raw >> 8) & 0xFF : 128 + signalled
    return status
  }

  deinit {
    if poll() == nil {
      kill(pid, SIGKILL)
      _ = poll(blocking: true)
    }
    unlink(stdoutPath)
    unlink(stderrPath)
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

/// The port at the end of a `listening on HOST:PORT` line.
func listeningPort(in line: String) -> Int? {
  line.split(separator: ":").last.flatMap { Int($0) }
}
