import EddyAsync
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite struct AsyncDatagramTests {
  static let loopback = try! SocketAddress(ipAddress: "127.0.0.1", port: 0)

  /// A UDP echo: every datagram comes back to its sender.
  @Test func datagramsComeBack() async throws {
    try await withGroup(loops: 2) { group in
      let server = try await group.loops[0].createDatagramEndpoint(local: Self.loopback)
      let echoing = Task {
        for try await datagram in server.inbound {
          try await server.send(datagram.data, to: datagram.address)
        }
      }
      let client = try await group.loops[1].createDatagramEndpoint(remote: server.localAddress!)
      var iterator = client.inbound.makeAsyncIterator()
      for index in 0..<100 {
        try await client.send(ByteBuffer(string: "datagram \(index)"))
        let reply = try #require(try await iterator.next())
        #expect(reply.data.string == "datagram \(index)")
        #expect(reply.address == server.localAddress)
      }
      server.close()
      try await echoing.value
    }
  }

  /// A consumer that does not keep up: the buffer holds at most the high mark and every
  /// datagram beyond it is counted as dropped, none lost silently.
  @Test func aFullBufferDropsAndCounts() async throws {
    try await withGroup(loops: 2) { group in
      let receiver = try await group.loops[0].createDatagramEndpoint(
        local: Self.loopback,
        configuration: AsyncDatagramConfiguration(inboundLimits: .elements(high: 8, low: 4)))
      let sender = try await group.loops[1].createDatagramEndpoint(remote: receiver.localAddress!)
      let count = 200
      for index in 0..<count { try await sender.send(ByteBuffer(string: "\(index)")) }
      #expect(await eventually { receiver.statistics.droppedElements == count - 8 })
      #expect(receiver.statistics.peakInboundElements == 8)
      var iterator = receiver.inbound.makeAsyncIterator()
      for index in 0..<8 {
        #expect(try await iterator.next()?.data.string == "\(index)")
      }
    }
  }

  /// `ECONNREFUSED` from a peer that does not listen is thrown in the datagrams' place; the
  /// endpoint stays open and goes on.
  @Test func aReportedErrorDoesNotEndTheEndpoint() async throws {
    try await withGroup { group in
      let gone = try await group.loops[0].createDatagramEndpoint(local: Self.loopback)
      let address = gone.localAddress!
      gone.close()
      var iterator = gone.inbound.makeAsyncIterator()
      #expect(try await iterator.next() == nil)
      let client = try await group.loops[0].createDatagramEndpoint(remote: address)
      var replies = client.inbound.makeAsyncIterator()
      for _ in 0..<2 {
        try await client.send("anyone?")
        await #expect {
          _ = try await replies.next()
        } throws: { error in
          (error as? SystemError)?.errno == ECONNREFUSED
        }
      }
      client.close()
      #expect(try await replies.next() == nil)
    }
  }

  /// Cancelling the task that reads aborts the endpoint.
  @Test func cancellingTheReaderAbortsTheEndpoint() async throws {
    try await withGroup { group in
      let endpoint = try await group.loops[0].createDatagramEndpoint(local: Self.loopback)
      let reader = Task { for try await _ in endpoint.inbound {} }
      try await Task.sleep(for: .milliseconds(50))
      reader.cancel()
      await #expect(throws: CancellationError.self) { try await reader.value }
      await #expect(throws: AsyncConnectionError.closed) {
        try await endpoint.send("late", to: Self.loopback)
      }
    }
  }
}
