import Dispatch
import NIOCore
import NIOPosix

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Serves echo with SwiftNIO's async API on one event loop, the way Hummingbird 2 serves HTTP:
/// every accepted channel is wrapped in a `NIOAsyncChannel` and served in a child task of a
/// discarding task group (on the global executor), which reads its inbound stream and writes each
/// element back. Runs until SIGINT or SIGTERM; returns the process's exit status.
///
/// The first stdout line, flushed at once, is `listening on HOST:PORT`.
func serveAsyncEcho(_ options: ServerOptions) async -> Int32 {
  let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
  let status = await serveAsyncEcho(options, on: group)
  try? await group.shutdownGracefully()
  return status
}

private func serveAsyncEcho(_ options: ServerOptions, on group: MultiThreadedEventLoopGroup) async -> Int32 {
  let codec = options.codec
  let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
  do {
    server = try await ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 1024)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .bind(host: options.host, port: options.port) { channel in
        channel.eventLoop.makeCompletedFuture {
          try codec.configureFraming(channel.pipeline.syncOperations, tls: nil)
          return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
      }
  } catch {
    printError("NIOEchoServer: cannot listen on \(options.host):\(options.port): \(error)")
    return 1
  }
  // SIGINT and SIGTERM close the listening socket: the accept loop ends, then every connection
  // as its client leaves.
  guard let signalSources = announceAndCloseOnSignals(server.channel) else { return 1 }
  defer { for source in signalSources { source.cancel() } }
  do {
    try await withThrowingDiscardingTaskGroup { tasks in
      try await server.executeThenClose { accepted in
        for try await connection in accepted {
          tasks.addTask {
            try? await connection.executeThenClose { inbound, outbound in
              for try await chunk in inbound { try await outbound.write(chunk) }
            }
          }
        }
      }
    }
  } catch {
    printError("NIOEchoServer: the accept loop failed: \(error)")
    return 1
  }
  return 0
}
