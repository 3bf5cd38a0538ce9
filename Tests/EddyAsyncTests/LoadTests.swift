import EddyAsync
import EddyProtocols
import EddyReactor
import EddyTestSupport
import Testing

@Suite struct LoadTests {
  /// A thousand connections open at once, each echoing a message through the async server.
  @Test func aThousandConcurrentConnections() async throws {
    let connections = 1_000
    // Both ends live in this process, plus the loops' own descriptors.
    try #require(raiseDescriptorLimit(to: 2 * connections + 256) >= 2 * connections + 256)
    try await withGroup(loops: 2) { group in
      let server = try await group.listen(host: "127.0.0.1", port: 0)
      let serving = Task { try await server.serve(echo) }
      let start = ContinuousClock.now
      let connected = SharedCounter()
      // Set once every client is connected and the server has accepted every connection.
      let allOpen = SharedCounter()
      let echoed = try await withThrowingTaskGroup(of: Bool.self) { clients in
        for index in 0..<connections {
          clients.addTask {
            let connection = try await group.connect(host: "127.0.0.1", port: server.port!)
            // Every connection is open on both sides before any exchanges a byte.
            connected.add(1)
            let ready = await eventually(within: 30) {
              if allOpen.value == 0 && connected.value == connections && server.connectionCount == connections
              {
                allOpen.store(1)
              }
              return allOpen.value == 1
            }
            guard ready else { return false }
            let message = patternBuffer(from: index, count: 1_024)
            try await connection.write(message)
            connection.writeEOF()
            var reply = ByteBuffer()
            for try await chunk in connection.inbound { reply.writeBuffer(chunk) }
            return reply == message
          }
        }
        var count = 0
        for try await matched in clients where matched { count += 1 }
        return count
      }
      #expect(echoed == connections)
      #expect(allOpen.value == 1)
      #expect(ContinuousClock.now - start < .seconds(60))
      server.close()
      try await serving.value
      #expect(server.connectionCount == 0)
    }
  }
}
