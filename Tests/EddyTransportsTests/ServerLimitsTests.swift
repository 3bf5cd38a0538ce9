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

/// A server's own limits: the most connections it keeps, and how long an idle one may stay.
@Suite struct ServerLimitsTests {
  private func echoes(_ socket: RawSocket) -> Bool {
    socket.send(Array("ping".utf8)) && socket.receive() == Array("ping".utf8)
  }

  @Test func connectionsBeyondTheLimitAreClosedAndTheOthersGoOn() async throws {
    try await withLoop { loop in
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, options: ServerOptions(maxConnections: 2)
      ) {
        Echo()
      }
      defer { server.close() }
      let first = try #require(RawSocket(connectingTo: server.addresses[0]))
      let second = try #require(RawSocket(connectingTo: server.addresses[0]))
      #expect(echoes(first) && echoes(second))
      let third = try #require(RawSocket(connectingTo: server.addresses[0]))
      // Accepted, then closed at once: the end of the stream (or a reset), never an echo.
      third.send(Array("ping".utf8))
      let reply = third.receive()
      #expect(reply == nil || reply == [], "the third connection got \(String(describing: reply))")
      #expect(echoes(first) && echoes(second))
      #expect(server.connectionCount == 2)
      // Once one leaves, a newcomer is served.
      _ = consume first
      #expect(await eventually { server.connectionCount == 1 })
      let fourth = try #require(RawSocket(connectingTo: server.addresses[0]))
      #expect(echoes(fourth))
    }
  }

  @Test func anIdleConnectionIsClosedAndABusyOneIsNot() async throws {
    try await withLoop { loop in
      let timeout = Duration.milliseconds(600)
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, options: ServerOptions(idleTimeout: timeout)
      ) {
        Echo()
      }
      defer { server.close() }
      let idle = try #require(RawSocket(connectingTo: server.addresses[0]))
      let busy = try #require(RawSocket(connectingTo: server.addresses[0]))
      let start = ContinuousClock.now
      // The busy one talks every 50 ms for two seconds, over three idle timeouts.
      for _ in 0..<40 {
        #expect(echoes(busy))
        try await Task.sleep(for: .milliseconds(50))
      }
      #expect(echoes(busy), "a connection that keeps talking stays open")
      // The idle one was closed by the server: its read sees the end of the stream at once.
      #expect(idle.receive() == [])
      #expect(ContinuousClock.now - start >= timeout)
      #expect(await eventually { server.connectionCount == 1 })
    }
  }
}
