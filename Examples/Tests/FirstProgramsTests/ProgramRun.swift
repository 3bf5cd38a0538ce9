import Eddy

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A line codec for talking to the programs and reading what they print.
let lines = AsyncConnectionConfiguration(layers: CodecStack(layers: [.line(LineCodec())]).wrap)

/// The directory of the running test binary, where the package's executables are built too.
let productsDirectory: String = {
  var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
  let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
  let path = String(decoding: buffer.prefix(max(0, count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
}()

/// The repository's root, two directories above the Examples package.
let repositoryRoot: String = {
  var path = #filePath
  for _ in 0..<4 { path = String(path[..<path.lastIndex(of: "/")!]) }
  return path
}()

/// A test that took longer than it may.
struct TimedOut: Error {}

/// Runs `body`, throwing ``TimedOut`` (and cancelling it) once `seconds` have passed.
func within<Result: Sendable>(
  seconds: Int, _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
  try await withThrowingTaskGroup(of: Result.self) { tasks in
    tasks.addTask { try await body() }
    tasks.addTask {
      try await Task.sleep(for: .seconds(seconds))
      throw TimedOut()
    }
    defer { tasks.cancelAll() }
    return try await tasks.next()!
  }
}

/// Runs the package's program `name` with `arguments` as a child process for `body` (its stdout
/// framed in lines, and its stdin too when piped; stderr the test's own), and kills it by its PID
/// if it is still running when `body` ends, however it ends.
func withProgram<Result: Sendable>(
  _ name: String, _ arguments: [String], stdin: SubprocessStdio = .devNull, on loop: EventLoop,
  _ body: (AsyncSubprocess) async throws -> Result
) async throws -> Result {
  let child = try await loop.subprocessExec(
    argv: [productsDirectory + "/" + name] + arguments, stdin: stdin, stderr: .inherit,
    configuration: lines)
  do {
    let result = try await body(child)
    if child.returnCode == nil { child.kill() }
    _ = try await child.wait()
    return result
  } catch {
    child.kill()
    _ = try? await child.wait()
    throw error
  }
}

/// Connects to 127.0.0.1:`port` once something listens there, trying every 50 ms.
func connect(port: Int, on loop: EventLoop, configuration: AsyncConnectionConfiguration) async throws
  -> AsyncConnection
{
  var attempts = 0
  while true {
    do {
      return try await loop.connect(host: "127.0.0.1", port: port, configuration: configuration)
    } catch let error as ConnectError {
      attempts += 1
      if attempts == 200 { throw error }
      try await Task.sleep(for: .milliseconds(50))
    }
  }
}

/// A loopback TCP port nothing listens on now.
func freeTCPPort(on loop: EventLoop) async throws -> Int {
  let server = try await loop.listen(host: "127.0.0.1", port: 0)
  server.close()
  try await loop.submit {}  // the listening socket is closed on the loop, after this hop
  return server.port!
}

/// A loopback UDP port nothing is bound to now.
func freeUDPPort(on loop: EventLoop) async throws -> Int {
  let endpoint = try await loop.createDatagramEndpoint(
    local: try SocketAddress(ipAddress: "127.0.0.1", port: 0))
  endpoint.close()
  try await loop.submit {}
  return endpoint.localAddress!.port!
}

/// Every line `child` prints until it closes its stdout.
func printedLines(_ child: AsyncSubprocess) async throws -> [String] {
  var printed: [String] = []
  for try await line in child.stdout!.inbound { printed.append(line.string) }
  return printed
}

/// The next element of `inbound` as text, or nil at its end.
func nextLine(_ inbound: inout AsyncConnection.Inbound.Iterator) async throws -> String? {
  try await inbound.next()?.string
}
