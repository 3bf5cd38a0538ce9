import CEddySystem
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A child just started: its pid and this process's ends of the pipes to it.
struct SpawnedChild {
  let pid: pid_t
  /// Stream number (0, 1, 2) → this process's end of the pipe to it.
  let pipes: [Int32: Int32]
}

/// Starts children with `posix_spawn`, whose file actions wire their standard streams.
///
/// No other descriptor reaches the child: Eddy's own are close-on-exec, and where the system
/// supports it the child closes every descriptor from 3 up before the program runs. The child
/// starts with no signal blocked and with SIGPIPE and SIGXFSZ at their defaults, whatever this
/// process does with them.
enum ProcessSpawner {
  static func spawn(
    argv: [String], env: [String: String]?, cwd: String?, stdio: [SubprocessStdio]
  ) throws(SubprocessError) -> SpawnedChild {
    guard let program = argv.first else { throw .emptyArguments }
    let environment = env.map { $0.map { "\($0.key)=\($0.value)" } }
    for text in argv + (environment ?? []) + (cwd.map { [$0] } ?? []) where text.utf8.contains(0) {
      throw .invalidArgument(text)
    }
    var plumbing = StdioPlumbing()
    defer { plumbing.closeChildSide() }
    do throws(SubprocessError) {
      for (number, choice) in stdio.enumerated() { try plumbing.prepare(Int32(number), choice) }
      let pid = try run(program: program, argv: argv, environment: environment, cwd: cwd, plumbing: plumbing)
      return SpawnedChild(pid: pid, pipes: plumbing.parentEnds)
    } catch {
      plumbing.closeParentSide()
      throw error
    }
  }

  private static func run(
    program: String, argv: [String], environment: [String]?, cwd: String?, plumbing: StdioPlumbing
  ) throws(SubprocessError) -> pid_t {
    #if canImport(Darwin)
      var actions: posix_spawn_file_actions_t? = nil
      var attributes: posix_spawnattr_t? = nil
    #else
      var actions = posix_spawn_file_actions_t()
      var attributes = posix_spawnattr_t()
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }

    for (number, source) in plumbing.sources {
      try check(
        posix_spawn_file_actions_adddup2(&actions, source, number), "posix_spawn_file_actions_adddup2")
    }
    for number in plumbing.devNull {
      let mode = number == 0 ? O_RDONLY : O_WRONLY
      try check(
        posix_spawn_file_actions_addopen(&actions, number, "/dev/null", mode, 0),
        "posix_spawn_file_actions_addopen")
    }
    let closing = eddy_spawn_file_actions_addclosefrom(&actions, 3)
    if closing != ENOSYS { try check(closing, "posix_spawn_file_actions_addclosefrom_np") }
    if let cwd {
      try check(eddy_spawn_file_actions_addchdir(&actions, cwd), "posix_spawn_file_actions_addchdir_np")
    }

    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGPIPE)
    sigaddset(&defaults, SIGXFSZ)
    var mask = sigset_t()
    sigemptyset(&mask)
    try check(posix_spawnattr_setsigdefault(&attributes, &defaults), "posix_spawnattr_setsigdefault")
    try check(posix_spawnattr_setsigmask(&attributes, &mask), "posix_spawnattr_setsigmask")
    let flags = Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
    try check(posix_spawnattr_setflags(&attributes, flags), "posix_spawnattr_setflags")

    let arguments = CStringArray(argv)
    let environmentArray = environment.map(CStringArray.init)
    var pid: pid_t = 0
    let result = arguments.withPointer { argvPointer in
      let spawn = { (envp: UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 in
        program.contains("/")
          ? posix_spawn(&pid, program, &actions, &attributes, argvPointer, envp)
          : posix_spawnp(&pid, program, &actions, &attributes, argvPointer, envp)
      }
      guard let environmentArray else { return spawn(eddy_environment()) }
      return environmentArray.withPointer(spawn)
    }
    guard result == 0 else {
      throw .spawnFailed(executable: program, error: SystemError("posix_spawn", errno: result))
    }
    return pid
  }

  /// Turns an error number returned by a `posix_spawn` helper into a thrown error.
  private static func check(_ result: Int32, _ operation: String) throws(SubprocessError) {
    guard result == 0 else { throw .system(SystemError(operation, errno: result)) }
  }
}

/// A NULL-terminated array of C strings, as `argv` and `envp` are passed.
private final class CStringArray {
  private let pointers: [UnsafeMutablePointer<CChar>?]

  init(_ strings: [String]) {
    pointers = strings.map { strdup($0) } + [nil]
  }

  deinit {
    for pointer in pointers { free(pointer) }
  }

  func withPointer<Result>(_ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result) -> Result {
    pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}
