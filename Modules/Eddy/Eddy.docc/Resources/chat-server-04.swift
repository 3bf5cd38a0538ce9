import Eddy

/// The members of a chat room. Every member's connection is served on the one loop, so the room
/// is a plain class: no lock, no actor, nothing `Sendable`.
final class ChatRoom {
  private var members: [ObjectIdentifier: any StreamTransport] = [:]

  /// Adds `member`, who hears every line the others send until it leaves.
  func join(_ member: any StreamTransport) { members[ObjectIdentifier(member)] = member }

  /// Removes `member`.
  func leave(_ member: any StreamTransport) { members[ObjectIdentifier(member)] = nil }

  /// Sends `line` to every member but `sender`.
  func broadcast(_ line: ByteBuffer, from sender: any StreamTransport) {
    for (id, member) in members where id != ObjectIdentifier(sender) { member.write(line) }
  }
}

/// One member's connection, under a line codec: it joins the room; for now, it writes back each
/// line.
final class ChatMember: StreamProtocol {
  private let room: ChatRoom
  private var transport: (any StreamTransport)?

  init(room: ChatRoom) { self.room = room }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    room.join(transport)
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
    let room = ChatRoom()
    let server = try loop.createServer(host: "127.0.0.1", port: port) {
      CodecLayer(codec: LineCodec(), upper: ChatMember(room: room))
    }
    print("chat room on \(server.addresses[0])")
    loop.run()
  }
}
