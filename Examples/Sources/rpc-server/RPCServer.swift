import Eddy
import RPC

/// One client of the RPC server: each request frame is answered with one reply frame.
final class RPCConnection: MessageProtocol {
  private var transport: (any StreamTransport)?

  func connectionMade(_ transport: any StreamTransport) { self.transport = transport }

  func messageReceived(_ request: ByteBuffer) { transport?.write(RPC.reply(to: request)) }
}

/// `rpc-server [PORT]`: the binary RPC of the `RPC` target on 127.0.0.1 (port 7001 by default).
@main enum RPCServer {
  static func main() throws {
    let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 7001
    let loop = try EventLoop()
    let server = try loop.createServer(host: "127.0.0.1", port: port) {
      CodecLayer(codec: RPC.framing, upper: RPCConnection())
    }
    print("rpc on \(server.addresses[0])")
    loop.run()
  }
}
