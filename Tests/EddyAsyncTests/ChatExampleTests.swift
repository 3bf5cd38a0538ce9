import EddyAsync
import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTestSupport
import Testing

// The chat room of docs/async.md, compiled and run here.

/// A line-protocol chat room: every line a member sends goes to every other member.
actor ChatRoom {
  private var members: [ObjectIdentifier: AsyncConnection] = [:]

  /// How many members are in the room.
  var size: Int { members.count }

  /// Relays `member`'s lines to everyone else until it leaves.
  func serve(_ member: AsyncConnection) async throws {
    members[ObjectIdentifier(member)] = member
    defer { members[ObjectIdentifier(member)] = nil }
    for try await line in member.inbound {
      for (id, other) in members where id != ObjectIdentifier(member) {
        try? await other.write(line)  // suspends while `other` is slow: backpressure
      }
    }
  }
}

@Suite struct ChatExampleTests {
  @Test func linesReachEveryOtherMember() async throws {
    try await withGroup(loops: 2) { group in
      let lines = AsyncConnectionConfiguration(layers: CodecStack(layers: [.line(LineCodec())]).wrap)
      let room = ChatRoom()
      let server = try await group.listen(host: "127.0.0.1", port: 0, configuration: lines)
      let serving = Task { try await server.serve { try await room.serve($0) } }
      var members: [AsyncConnection] = []
      for _ in 0..<3 {
        members.append(try await group.connect(host: "127.0.0.1", port: server.port!, configuration: lines))
      }
      let deadline = ContinuousClock.now + .seconds(10)
      while await room.size < 3 && ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(5))
      }
      #expect(await room.size == 3)
      try await members[0].write("hello, room")
      try await members[1].write("bye")
      var first: [String] = []
      for member in members {
        var iterator = member.inbound.makeAsyncIterator()
        first.append(try await iterator.next()?.string ?? "")
      }
      // Nobody hears their own line; member 2 may hear either line first.
      #expect(first[0] == "bye")
      #expect(first[1] == "hello, room")
      #expect(["hello, room", "bye"].contains(first[2]))
      for member in members { member.close() }
      server.close()
      try await serving.value
      #expect(await room.size == 0)
    }
  }
}
