import EddyTestSupport
import Foundation

/// A real server that is not Eddy (`redis-server`, `memcached`) on a free loopback port,
/// started as a child process and stopped by its PID; `make setup` installs both.
final class PeerServer {
  let process: ChildProcess
  let port: Int

  private init(process: ChildProcess, port: Int) {
    self.process = process
    self.port = port
  }

  /// A redis-server that keeps nothing on disk.
  static func redis() async throws -> PeerServer {
    try await start { port in
      ("redis-server", ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
    }
  }

  /// A memcached with TCP only.
  static func memcached() async throws -> PeerServer {
    try await start { port in
      ("memcached", ["-l", "127.0.0.1", "-p", "\(port)", "-U", "0"] + (getuid() == 0 ? ["-u", "root"] : []))
    }
  }

  struct StartFailure: Error, CustomStringConvertible {
    let description: String
  }

  /// Starts the server on a port found free (again on another if it lost the port to a race),
  /// and returns once it accepts connections.
  private static func start(_ command: (Int) -> (String, [String])) async throws -> PeerServer {
    var lastError = ""
    for _ in 0..<3 {
      let port = try freeLoopbackPort()
      let (executable, arguments) = command(port)
      let process = try ChildProcess(executable, arguments)
      let deadline = ContinuousClock.now + .seconds(10)
      while ContinuousClock.now < deadline {
        if (try? RequestSocket(port: port)) != nil { return PeerServer(process: process, port: port) }
        if process.exitStatus != nil { break }
        try await Task.sleep(for: .milliseconds(20))
      }
      lastError =
        "\(executable) did not start on port \(port): \(process.standardError)\(process.standardOutput)"
      process.signal(SIGKILL)
      _ = await process.wait(seconds: 5)
    }
    throw StartFailure(description: lastError)
  }

  /// The value of `field` in the reply to Redis's `INFO stats`.
  func redisStat(_ field: String) throws -> Int {
    let reply = try RequestSocket(port: port).exchange("INFO stats\r\n") { reply in
      // A bulk string: "$LENGTH\r\n", the text, "\r\n".
      guard let header = reply.range(of: "\r\n"),
        let length = Int(reply[reply.index(after: reply.startIndex)..<header.lowerBound])
      else { return false }
      return reply.utf8.count >= reply.distance(from: reply.startIndex, to: header.upperBound) + length + 2
    }
    return try Self.field(field, in: reply, separator: ":")
  }

  /// The value of `field` in memcached's `stats`.
  func memcachedStat(_ field: String) throws -> Int {
    let reply = try RequestSocket(port: port).exchange("stats\r\n") { $0.hasSuffix("END\r\n") }
    return try Self.field(field, in: reply.replacingOccurrences(of: "STAT ", with: ""), separator: " ")
  }

  /// Sends `command` and returns the reply once `complete` accepts it.
  func send(_ command: String, until complete: (String) -> Bool) throws -> String {
    try RequestSocket(port: port).exchange(command, complete: complete)
  }

  private static func field(_ name: String, in text: String, separator: Character) throws -> Int {
    for line in text.split(whereSeparator: \.isNewline) {
      let parts = line.split(separator: separator, maxSplits: 1)
      if parts.count == 2 && parts[0] == name, let value = Int(parts[1].trimmingCharacters(in: .whitespaces))
      {
        return value
      }
    }
    throw StartFailure(description: "no field \(name) in \(text)")
  }

  /// Stops the server by its PID (continuing it first, should a test have stopped it).
  func stop() async {
    process.signal(SIGCONT)
    process.signal(SIGTERM)
    if await process.wait(seconds: 10) == nil {
      process.signal(SIGKILL)
      _ = await process.wait(seconds: 5)
    }
  }
}

/// A blocking loopback TCP connection for one request and its reply, with a 10 s bound.
private struct RequestSocket {
  let fd: Int32

  init(port: Int) throws {
    fd = try connectedLoopbackSocket(port: port)
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
  }

  func exchange(_ request: String, complete: (String) -> Bool) throws -> String {
    defer { close(fd) }
    let bytes = Array(request.utf8)
    guard write(fd, bytes, bytes.count) == bytes.count else {
      throw PeerServer.StartFailure(description: "write: errno \(errno)")
    }
    var reply: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while !complete(String(decoding: reply, as: UTF8.self)) {
      let count = read(fd, &chunk, chunk.count)
      guard count > 0 else {
        throw PeerServer.StartFailure(description: "read: \(count) errno \(errno) after \(reply.count) bytes")
      }
      reply += chunk[0..<count]
    }
    return String(decoding: reply, as: UTF8.self)
  }
}

/// A blocking TCP socket connected to 127.0.0.1:`port`.
func connectedLoopbackSocket(port: Int) throws -> Int32 {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = in_port_t(UInt16(port).bigEndian)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  let connected = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
    }
  }
  guard connected == 0 else {
    close(fd)
    throw PeerServer.StartFailure(description: "connect to \(port): errno \(errno)")
  }
  return fd
}

/// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
func freeLoopbackPort() throws -> Int {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
    }
  }
  guard bound else { throw PeerServer.StartFailure(description: "no free port: errno \(errno)") }
  return Int(UInt16(bigEndian: address.sin_port))
}
