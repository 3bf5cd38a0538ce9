import Eddy

/// `chat-client [PORT]`: joins the line chat room on 127.0.0.1 (port 7000 by default). Every line
/// typed goes to the room, every line the room sends is printed, and the end of input leaves.
/// Standard input and output are a terminal or pipes (a pipe end, not a file, is what Eddy adopts).
@main enum ChatClient {
  static func main() async throws {
    let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 7000
    let group = try EventLoopGroup(loops: 1)
    let lines = AsyncConnectionConfiguration(layers: CodecStack(layers: [.line(LineCodec())]).wrap)
    let room = try await group.connect(host: "127.0.0.1", port: port, configuration: lines)
    let screen = try await group.loops[0].connectWritePipe(fd: 1, configuration: lines)
    let keyboard = try await group.loops[0].connectReadPipe(fd: 0, configuration: lines)
    try await screen.write(ByteBuffer(string: "joined the room on 127.0.0.1:\(port)"))

    try await withThrowingTaskGroup(of: Void.self) { directions in
      directions.addTask {  // what the room says, on the screen, until the room closes
        for try await line in room.inbound { try await screen.write(line) }
      }
      directions.addTask {  // what is typed, to the room; the end of input leaves it
        for try await line in keyboard.inbound { try await room.write(line) }
        room.close()
      }
      try await directions.waitForAll()
    }
  }
}
