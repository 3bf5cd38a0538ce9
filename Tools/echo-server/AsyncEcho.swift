import EddyAsync
import EddyCodecs
import EddyReactor
import EddyTransports

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `echo-server --async`: the same echo written as async code with EddyAsync, one task per
/// connection, so the two paths can be measured side by side.
enum AsyncEcho {
  /// Starts listening and serving; returns what a signal stops, once the server is listening.
  static func start(
    group: EventLoopGroup, host: String, port: Int, unix: String?, stack: CodecStack, options: ServerOptions
  ) throws -> (address: String, service: StoppableService) {
    let configuration = AsyncConnectionConfiguration(layers: stack.layers.isEmpty ? nil : stack.wrap)
    let listening = Locked<Result<AsyncServer, any Error>?>(nil)
    Task.detached {
      let server: AsyncServer
      do {
        server =
          if let unix {
            try await group.listen(unixPath: unix, options: options, configuration: configuration)
          } else {
            try await group.listen(host: host, port: port, options: options, configuration: configuration)
          }
        listening.withLock { $0 = .success(server) }
      } catch {
        listening.withLock { $0 = .failure(error) }
        return
      }
      try? await server.serve { connection in
        for try await data in connection.inbound { try await connection.write(data) }
      }
    }
    // The caller is a plain thread: wait for the listener without an executor of its own.
    var result: Result<AsyncServer, any Error>?
    while result == nil {
      result = listening.withLock { $0 }
      if result == nil { usleep(1000) }
    }
    let server = try result!.get()
    return (server.addresses[0].description, StoppableService(server))
  }
}
