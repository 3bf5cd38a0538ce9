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

@Suite struct EndingTests {
  /// The peer sends and closes: every byte arrives, then the sequence ends without an error.
  @Test func endOfFileEndsTheSequenceNormally() async throws {
    try await withGroup(loops: 2) { group in
      let total = 300_000
      let server = try group.loops[0].createServer(host: "127.0.0.1", port: 0) { Blaster(total: total) }
      defer { server.close() }
      let connection = try await group.loops[1].connect(host: "127.0.0.1", port: server.port!)
      var iterator = connection.inbound.makeAsyncIterator()
      var received = 0
      while let chunk = try await iterator.next() { received += chunk.readableBytes }
      #expect(received == total)
      #expect(try await iterator.next() == nil)
    }
  }

  /// A connection reset ends the sequence by throwing the error; the iterator then ends.
  @Test func aResetEndsTheSequenceWithItsError() async throws {
    try await withGroup(loops: 2) { group in
      let (connection, peers, _, server) = try await connectToUnreadingPeer(group)
      defer { server.close() }
      try await connection.write("unread")
      #expect(await eventually { server.connectionCount == 1 })
      try await group.loops[0].submit { peers.resetAll() }
      var iterator = connection.inbound.makeAsyncIterator()
      await #expect {
        while try await iterator.next() != nil {}
      } throws: { error in
        (error as? SystemError)?.errno == ECONNRESET
      }
      #expect(try await iterator.next() == nil)
      await #expect(throws: SystemError.self) { try await connection.write("after reset") }
    }
  }

  /// The reset ends both directions before it wakes anyone: a reader woken by it, then writing,
  /// is refused with the same error. The reader resumes inline, inside the loop's
  /// `connectionLost`, so the order is deterministic.
  @Test func aReaderWokenByTheResetFindsWritesRefused() async throws {
    try await withGroup(loops: 2) { group in
      let (connection, peers, _, server) = try await connectToUnreadingPeer(group)
      defer { server.close() }
      #expect(await eventually { server.connectionCount == 1 })
      // The inline executor runs the task here and now, until it waits for the inbound sequence
      // (without the reader parked first, the test would check nothing).
      let reader = Task(executorPreference: InlineExecutor()) {
        () -> (read: (any Error)?, write: (any Error)?) in
        var iterator = connection.inbound.makeAsyncIterator()
        var readError: (any Error)?
        do {
          while try await iterator.next() != nil {}
        } catch {
          readError = error
        }
        do {
          try await connection.write("after reset")
          return (readError, nil)
        } catch {
          return (readError, error)
        }
      }
      try await group.loops[0].submit { peers.resetAll() }
      let outcome = await reader.value
      #expect((outcome.read as? SystemError)?.errno == ECONNRESET)
      #expect((outcome.write as? SystemError)?.errno == ECONNRESET)
    }
  }

  /// `writeEOF` reaches the peer after the bytes written before it, the read side stays open,
  /// and later writes are refused.
  @Test func writeEOFHalfClosesAfterPendingWrites() async throws {
    try await withGroup(loops: 2) { group in
      let server = try await group.loops[0].listen(host: "127.0.0.1", port: 0)
      let serving = Task {
        try await server.serve { connection in
          var received = 0
          for try await chunk in connection.inbound { received += chunk.readableBytes }
          // The peer's write side is shut; this side can still answer.
          try await connection.write(ByteBuffer(string: "\(received)"))
        }
      }
      let connection = try await group.loops[1].connect(host: "127.0.0.1", port: server.port!)
      for offset in stride(from: 0, to: 1_000_000, by: 10_000) {
        try await connection.write(patternBuffer(from: offset, count: 10_000))
      }
      connection.writeEOF()
      await #expect(throws: AsyncConnectionError.outputClosed) { try await connection.write("more") }
      var answer = ""
      for try await chunk in connection.inbound { answer += chunk.string }
      #expect(answer == "1000000")
      server.close()
      try await serving.value
    }
  }

  /// `close` sends what was written before it, then ends the connection on both sides.
  @Test func closeFlushesThenEnds() async throws {
    try await withGroup(loops: 2) { group in
      let log = PeerLog()
      let server = try group.loops[0].createServer(host: "127.0.0.1", port: 0) { Recorder(log: log) }
      defer { server.close() }
      let connection = try await group.loops[1].connect(host: "127.0.0.1", port: server.port!)
      let total = 2 * 1024 * 1024
      for offset in stride(from: 0, to: total, by: 32 * 1024) {
        try await connection.write(patternBuffer(from: offset, count: 32 * 1024))
      }
      connection.close()
      await #expect(throws: AsyncConnectionError.closed) { try await connection.write("late") }
      #expect(await eventually { log.lost })
      #expect(log.received == total)
      #expect(log.inOrder)
      var iterator = connection.inbound.makeAsyncIterator()
      #expect(try await iterator.next() == nil)
    }
  }

  /// A failed connection attempt throws the transport's error.
  @Test func refusedConnectionThrowsConnectError() async throws {
    try await withGroup { group in
      let listener = try group.loops[0].createServer(host: "127.0.0.1", port: 0) { Recorder(log: PeerLog()) }
      let port = listener.port!
      listener.close()
      await listener.waitClosed()
      await #expect {
        _ = try await group.connect(host: "127.0.0.1", port: port)
      } throws: { error in
        if case .refused = error as? ConnectError { return true }
        return false
      }
    }
  }

  /// Handing a closed loop work drops it; an opening on a closed loop fails instead of hanging.
  @Test func connectingOnAClosedLoopFails() async throws {
    let group = try EventLoopGroup(loops: 1, name: "closed")
    group.shutdown()
    await #expect(throws: EventLoopError.closed) {
      _ = try await group.loops[0].connect(host: "127.0.0.1", port: 9)
    }
  }
}
