import Eddy
import Testing

/// The chat client the DocC tutorial builds (Examples/Sources/chat-client), run twice against the
/// chat server as child processes whose stdin and stdout are pipes: what one types, the other
/// prints.
@Suite(.serialized) struct ChatClientTests {
  let group: EventLoopGroup
  var loop: EventLoop { group.loops[0] }

  init() throws { group = try EventLoopGroup(loops: 1, name: "chat-client") }

  @Test func aLineTypedInOneClientIsPrintedByTheOther() async throws {
    let loop = loop
    try await within(seconds: 30) {
      let port = try await freeTCPPort(on: loop)
      try await withProgram("chat-server", ["\(port)"], on: loop) { _ in
        // The server is up once a connection opens; the client itself does not wait for it.
        try await connect(port: port, on: loop, configuration: lines).close()
        let joined = "joined the room on 127.0.0.1:\(port)"
        try await withProgram("chat-client", ["\(port)"], stdin: .pipe, on: loop) { ann in
          var annPrints = ann.stdout!.inbound.makeAsyncIterator()
          #expect(try await nextLine(&annPrints) == joined)
          try await withProgram("chat-client", ["\(port)"], stdin: .pipe, on: loop) { bob in
            var bobPrints = bob.stdout!.inbound.makeAsyncIterator()
            #expect(try await nextLine(&bobPrints) == joined)
            // One loop accepts in order, so Ann is in the room before Bob speaks.
            try await bob.stdin!.write(ByteBuffer(string: "bob here"))
            #expect(try await nextLine(&annPrints) == "bob here")
            try await ann.stdin!.write(ByteBuffer(string: "hello bob"))
            #expect(try await nextLine(&bobPrints) == "hello bob")
            // The end of Bob's input leaves the room and ends the program.
            bob.stdin!.writeEOF()
            #expect(try await nextLine(&bobPrints) == nil)
            #expect(try await bob.wait() == 0)
          }
          try await ann.stdin!.write(ByteBuffer(string: "anyone?"))
          ann.stdin!.writeEOF()
          #expect(try await nextLine(&annPrints) == nil)  // her own line is not sent back
          #expect(try await ann.wait() == 0)
        }
      }
    }
  }
}
