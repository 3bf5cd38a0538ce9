import EddyAsync
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

@Suite struct CancellationTests {
  /// Cancelling a task waiting for a connection that hangs abandons the attempt: the task gets
  /// `CancellationError` and the half-open socket is closed at once.
  @Test func cancellingDuringConnectAbandonsTheAttempt() async throws {
    try await withGroup { group in
      let listener = UnacceptingListener()
      let port = listener.port
      // Fill the listener's queue; the attempt after that hangs.
      var made: [AsyncConnection] = []
      var hanging: Task<AsyncConnection, any Error>?
      for _ in 0..<8 {
        let attempt = Task { try await group.connect(host: "127.0.0.1", port: port) }
        try await Task.sleep(for: .milliseconds(100))
        if connectingSockets(toPort: port) > 0 {
          hanging = attempt
          break
        }
        made.append(try await attempt.value)
      }
      let attempt = try #require(hanging)
      attempt.cancel()
      await #expect(throws: CancellationError.self) { try await attempt.value }
      #expect(await eventually(within: 2) { connectingSockets(toPort: port) == 0 })
      #expect(made.count >= 1)
    }
  }

  /// A task cancelled before it asks for a connection gets `CancellationError` and no socket.
  @Test func cancelledTaskDoesNotConnect() async throws {
    try await withGroup { group in
      let log = PeerLog()
      let server = try group.loops[0].createServer(host: "127.0.0.1", port: 0) { Recorder(log: log) }
      defer { server.close() }
      let attempt = Task {
        withUnsafeCurrentTask { $0?.cancel() }
        return try await group.connect(host: "127.0.0.1", port: server.port!)
      }
      await #expect(throws: CancellationError.self) { try await attempt.value }
      try await Task.sleep(for: .milliseconds(100))
      #expect(server.connectionCount == 0)
    }
  }

  /// Cancelling the task reading the connection aborts it; the peer sees it end.
  @Test func cancellingTheReaderClosesTheConnection() async throws {
    try await withGroup(loops: 2) { group in
      let log = PeerLog()
      let server = try group.loops[0].createServer(host: "127.0.0.1", port: 0) { Recorder(log: log) }
      defer { server.close() }
      let connection = try await group.loops[1].connect(host: "127.0.0.1", port: server.port!)
      let reader = Task {
        for try await _ in connection.inbound {}
      }
      try await Task.sleep(for: .milliseconds(50))
      reader.cancel()
      await #expect(throws: CancellationError.self) { try await reader.value }
      #expect(await eventually { log.lost })
      #expect(server.connectionCount == 0)
      await #expect(throws: AsyncConnectionError.closed) { try await connection.write("late") }
    }
  }

  /// Cancelling a writer suspended by a peer that does not read aborts the connection.
  @Test func cancellingASuspendedWriterAbortsTheConnection() async throws {
    try await withGroup(loops: 2) { group in
      let (connection, peers, log, server) = try await connectToUnreadingPeer(group)
      defer { server.close() }
      let writer = Task {
        let chunk = patternBuffer(from: 0, count: 64 * 1024)
        for _ in 0..<4_096 { try await connection.write(chunk) }
      }
      #expect(await eventually { connection.statistics.writerSuspensions > 0 })
      try await Task.sleep(for: .milliseconds(100))
      writer.cancel()
      await #expect(throws: CancellationError.self) { try await writer.value }
      var iterator = connection.inbound.makeAsyncIterator()
      #expect(try await iterator.next() == nil)
      await #expect(throws: AsyncConnectionError.closed) { try await connection.write("late") }
      // The peer notices once it reads again.
      try await group.loops[0].submit { peers.resumeReading() }
      #expect(await eventually { log.lost })
      #expect(server.connectionCount == 0)
    }
  }

  /// Cancelling the serving task stops listening, aborts every connection, cancels every
  /// handler and waits for them before it returns.
  @Test func cancellingTheServerEndsEveryHandler() async throws {
    try await withGroup(loops: 2) { group in
      let server = try await group.listen(host: "127.0.0.1", port: 0)
      let running = SharedCounter()
      let finished = SharedCounter()
      let serving = Task {
        try await server.serve { connection in
          running.add(1)
          defer { finished.add(1) }
          for try await _ in connection.inbound {}
          // A handler that ignores the end of its connection still gets cancelled.
          try await Task.sleep(for: .seconds(3_600))
        }
      }
      var clients: [AsyncConnection] = []
      for _ in 0..<3 { clients.append(try await group.connect(host: "127.0.0.1", port: server.port!)) }
      #expect(await eventually { running.value == 3 })
      serving.cancel()
      await #expect(throws: CancellationError.self) { try await serving.value }
      #expect(finished.value == 3)
      #expect(server.connectionCount == 0)
      for client in clients {
        var ended = false
        do {
          for try await _ in client.inbound {}
          ended = true
        } catch {
          ended = true
        }
        #expect(ended)
      }
      await #expect(throws: ConnectError.self) {
        _ = try await group.connect(host: "127.0.0.1", port: server.port!)
      }
    }
  }
}
