import Dispatch
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Serves echo on one event loop until SIGINT or SIGTERM; returns the process's exit status.
///
/// The first stdout line, flushed at once, is `listening on HOST:PORT`.
func serveEcho(_ options: ServerOptions) -> Int32 {
  let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
  defer { try? group.syncShutdownGracefully() }
  let codec = options.codec
  let tls: NIOSSLContext?
  do {
    tls = try options.tlsFiles.map {
      try makeServerTLSContext(certificatePath: $0.certificate, keyPath: $0.key)
    }
  } catch {
    printError("NIOEchoServer: cannot load the TLS certificate or key: \(error)")
    return 1
  }
  let bootstrap = ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
      channel.eventLoop.makeCompletedFuture {
        try codec.configure(channel.pipeline.syncOperations, tls: tls)
      }
    }

  let server: any Channel
  do {
    server = try bootstrap.bind(host: options.host, port: options.port).wait()
  } catch {
    printError("NIOEchoServer: cannot listen on \(options.host):\(options.port): \(error)")
    return 1
  }
  // SIGINT and SIGTERM close the listening socket; the group's shutdown then closes every connection.
  guard let signalSources = announceAndCloseOnSignals(server) else { return 1 }
  try? server.closeFuture.wait()
  for source in signalSources { source.cancel() }
  return 0
}

/// Prints `listening on HOST:PORT` for `listener` and makes SIGINT and SIGTERM close it; returns
/// the signal sources to cancel at exit, or nil (after saying why) when the socket has no address.
func announceAndCloseOnSignals(_ listener: any Channel) -> [any DispatchSourceSignal]? {
  guard let address = listener.localAddress, let port = address.port, let ip = address.ipAddress else {
    printError("NIOEchoServer: the listening socket has no address")
    return nil
  }
  printFlushed("listening on \(address.protocol == .inet6 ? "[\(ip)]" : ip):\(port)")
  return [SIGINT, SIGTERM].map { signalNumber in
    signal(signalNumber, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
    source.setEventHandler { listener.close(promise: nil) }
    source.resume()
    return source
  }
}
