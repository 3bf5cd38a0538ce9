import Eddy

/// One member's connection, under a line codec: for now, it writes back each line.
final class ChatMember: StreamProtocol {
  private var transport: (any StreamTransport)?

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
  }

  func dataReceived(_ line: ByteBuffer) {
    transport?.write(line)
  }
}

/// `chat-server [PORT]`: a line chat room on 127.0.0.1 (port 7000 by default), on one loop.
@main enum ChatServer {
  static func main() throws {
    let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 7000
    let loop = try EventLoop()
    let server = try loop.createServer(host: "127.0.0.1", port: port) {
      CodecLayer(codec: LineCodec(), upper: ChatMember())
    }
    print("chat room on \(server.addresses[0])")
    loop.run()
  }
}
