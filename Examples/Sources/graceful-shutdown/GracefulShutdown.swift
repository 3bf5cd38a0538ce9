import Eddy

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The open connections of a server on one loop, so that a shutdown can say goodbye to each.
final class Clients {
  private var open: [ObjectIdentifier: any StreamTransport] = [:]
  private var whenAllGone: (() -> Void)?

  /// Counts `client` in until it has gone.
  func add(_ client: any StreamTransport) { open[ObjectIdentifier(client)] = client }

  /// Counts `client` out.
  func remove(_ client: any StreamTransport) {
    open[ObjectIdentifier(client)] = nil
    if open.isEmpty { whenAllGone?() }
  }

  /// Sends every client a last line and closes it once everything it was sent has been written;
  /// `done` runs when the last one has gone.
  func closeAll(then done: @escaping () -> Void) {
    whenAllGone = done
    if open.isEmpty { done() }
    for client in open.values {
      client.write(ByteBuffer(string: "shutting down"))
      client.close()
    }
  }
}

/// A line echo that tells `clients` it came and went.
final class Echo: StreamProtocol {
  private let clients: Clients
  private var transport: (any StreamTransport)?

  init(clients: Clients) { self.clients = clients }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    clients.add(transport)
  }

  func dataReceived(_ line: ByteBuffer) { transport?.write(line) }

  func connectionLost(_ error: (any Error)?) {
    if let transport { clients.remove(transport) }
    transport = nil
  }
}

/// `graceful-shutdown [PORT]`: a line echo on 127.0.0.1 (port 7004 by default) that, on SIGTERM
/// or SIGINT, stops listening, says goodbye to every client and closes it once its replies are
/// written, and exits 0 when they have all gone; clients still there after 5 s are cut off.
@main enum GracefulShutdown {
  static func main() throws {
    let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 7004
    let loop = try EventLoop()
    loop.execute {
      // Shared by the protocol factory and the signal handler, both on the loop's thread.
      let clients = Clients()
      do {
        let server = try loop.isolated.createServer(host: "127.0.0.1", port: port) {
          CodecLayer(codec: LineCodec(), upper: Echo(clients: clients))
        }
        let shutDown = {
          server.close()
          clients.closeAll { loop.stop() }
          loop.callLater(after: .seconds(5)) {
            server.abortClients()
            loop.stop()
          }
        }
        try loop.addSignalHandler(SIGTERM, shutDown)
        try loop.addSignalHandler(SIGINT, shutDown)
        print("echo on \(server.addresses[0])")
      } catch {
        fatalError("graceful-shutdown: \(error)")
      }
    }
    loop.run()
    loop.close()
    print("stopped")
  }
}
