import Eddy

/// `chat-client [PORT]`: joins the line chat room on 127.0.0.1 (port 7000 by default) and prints
/// every line the room sends. Standard output is a terminal or a pipe.
@main enum ChatClient {
  static func main() async throws {
    let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 7000
    let group = try EventLoopGroup(loops: 1)
    let lines = AsyncConnectionConfiguration(layers: CodecStack(layers: [.line(LineCodec())]).wrap)
    let room = try await group.connect(host: "127.0.0.1", port: port, configuration: lines)
    let screen = try await group.loops[0].connectWritePipe(fd: 1, configuration: lines)
    try await screen.write(ByteBuffer(string: "joined the room on 127.0.0.1:\(port)"))

    for try await line in room.inbound { try await screen.write(line) }
  }
}
