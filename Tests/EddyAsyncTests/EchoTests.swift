import EddyAsync
import EddyProtocols
import EddyReactor
import EddyTestSupport
import Testing

/// The smallest async echo server: every connection writes back what it reads.
func echo(_ connection: AsyncConnection) async throws {
  for try await chunk in connection.inbound {
    try await connection.write(chunk)
  }
}

@Suite struct EchoTests {
  @Test(arguments: ["127.0.0.1", "::1", "unix"])
  func bytesComeBackCompleteAndInOrder(host: String) async throws {
    try await withGroup(loops: 2) { group in
      let server =
        host == "unix"
        ? try await group.listen(unixPath: unixSocketPath("echo"))
        : try await group.listen(host: host, port: 0)
      let serving = Task { try await server.serve(echo) }
      let connection =
        host == "unix"
        ? try await group.connect(unixPath: unixSocketPath("echo"))
        : try await group.connect(host: host, port: server.port!)
      let total = 4 * 1024 * 1024
      let writer = Task {
        var offset = 0
        var step = 1
        while offset < total {
          let count = min(step, total - offset)
          try await connection.write(patternBuffer(from: offset, count: count))
          offset += count
          step = step % 65_521 + 4_099
        }
        connection.writeEOF()
      }
      var received = 0
      var inOrder = true
      for try await chunk in connection.inbound {
        inOrder = inOrder && followsPattern(chunk, from: received)
        received += chunk.readableBytes
      }
      try await writer.value
      #expect(received == total)
      #expect(inOrder)
      server.close()
      try await serving.value
      #expect(server.connectionCount == 0)
    }
  }
}

@Suite struct AddressListTests {
  /// Given several addresses, the connection goes to the first that accepts.
  @Test func connectsToTheFirstAddressThatAccepts() async throws {
    try await withGroup(loops: 2) { group in
      let closed = try await group.loops[0].listen(host: "127.0.0.1", port: 0)
      let refusing = closed.addresses[0]
      closed.close()
      try await closed.serve(echo)
      let server = try await group.loops[0].listen(host: "127.0.0.1", port: 0)
      let serving = Task { try await server.serve(echo) }
      let connection = try await group.connect(to: [refusing, server.addresses[0]])
      #expect(connection.peerAddress == server.addresses[0])
      try await connection.write("hello")
      connection.writeEOF()
      var reply = ""
      for try await chunk in connection.inbound { reply += chunk.string }
      #expect(reply == "hello")
      server.close()
      try await serving.value
    }
  }
}
