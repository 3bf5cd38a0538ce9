import EddyAsync
import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTransports
import Glibc
import Synchronization

/// An echo server on 127.0.0.1 in this process, on a group of one loop, so that the allocations of
/// the connections it serves are counted with the benchmark's: the callback echo under a codec
/// stack, or the async echo (`for try await data in connection.inbound { write }`, as
/// `echo-server --async` does).
final class LoopbackEchoServer {
  /// How the server echoes.
  enum Kind {
    /// A `StreamProtocol` (raw) or `MessageProtocol` (framed) under the named codec stack.
    case callback(stack: String)
    /// An `AsyncServer` whose handler writes back every chunk it reads.
    case async
  }

  /// The port the kernel picked.
  let port: Int
  private let group: EventLoopGroup
  private let stop: () -> Void

  /// Starts listening; returns once the server accepts.
  init(_ kind: Kind) throws {
    let group = try EventLoopGroup(loops: 1, name: "bench-echo")
    self.group = group
    switch kind {
    case .callback(let stackName):
      let stack = try CodecStack(parsing: stackName)
      let server = try group.loops[0].createServer(host: "127.0.0.1", port: 0) {
        stack.layers.isEmpty ? RawEcho() as any StreamProtocol : stack.wrap(MessageEcho())
      }
      port = server.port!
      stop = { server.close() }
    case .async:
      let started = Started()
      Task {
        do {
          let server = try await group.loops[0].listen(host: "127.0.0.1", port: 0)
          started.slot.withLock { $0 = .success(server) }
          try? await server.serve { connection in
            for try await data in connection.inbound { try await connection.write(data) }
          }
        } catch {
          started.slot.withLock { $0 = .failure(error) }
        }
      }
      let server = try Self.waitFor(started).get()
      port = server.port!
      stop = { server.close() }
    }
  }

  /// Stops listening, then stops the loop.
  func shutdown() {
    stop()
    group.shutdown()
  }

  /// Polls `slot` for up to 10 s: the benchmark thread has no executor to await on.
  private static func waitFor(_ started: Started) throws -> Result<AsyncServer, any Error> {
    for _ in 0..<10_000 {
      if let result = started.slot.withLock({ $0 }) { return result }
      usleep(1_000)
    }
    throw BenchmarkSetupError("the async echo server did not start listening within 10 s")
  }
}

/// Where the task that starts the async server leaves the server, or why it could not.
private final class Started: Sendable {
  let slot = Mutex<Result<AsyncServer, any Error>?>(nil)
}

/// Writes every chunk straight back: the raw echo.
private final class RawEcho: StreamProtocol {
  private var transport: (any StreamTransport)?

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
  }

  func dataReceived(_ data: ByteBuffer) {
    transport?.write(data)
  }
}
