import EddyAsync
import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

/// A graceful shutdown of an async server: idle handlers end, busy ones finish their request,
/// and what is still open at the deadline is aborted.
@Suite struct ShutdownTests {
  static let lines = AsyncConnectionConfiguration(layers: CodecStack(layers: [.line(LineCodec())]).wrap)

  @Test func idleHandlersEndAndABusyOneFinishesItsRequest() async throws {
    try await withGroup(loops: 2) { group in
      let server = try await group.loops[0].listen(host: "127.0.0.1", port: 0, configuration: Self.lines)
      let busy = Locked(false)
      let serving = Task {
        try await server.serve { connection in
          for try await line in connection.inbound {
            if line.string == "slow" {
              busy.withLock { $0 = true }
              try await Task.sleep(for: .milliseconds(300))
            }
            try await connection.write(line)
          }
        }
      }
      let idle = try await group.loops[1].connect(
        host: "127.0.0.1", port: server.port!, configuration: Self.lines)
      let working = try await group.loops[1].connect(
        host: "127.0.0.1", port: server.port!, configuration: Self.lines)
      try await working.write("slow")
      #expect(await eventually { busy.withLock { $0 } })
      let start = ContinuousClock.now
      let closedByCallback = Locked(false)
      server.whenClosed { closedByCallback.withLock { $0 = true } }
      await server.shutdown(gracePeriod: .seconds(5))
      let took = ContinuousClock.now - start
      // The busy request was answered before its connection closed; the idle one just ended.
      var replies: [String] = []
      for try await line in working.inbound { replies.append(line.string) }
      #expect(replies == ["slow"])
      var idleLines = 0
      for try await _ in idle.inbound { idleLines += 1 }
      #expect(idleLines == 0)
      #expect(took >= .milliseconds(200) && took < .seconds(4), "shutdown took \(took)")
      #expect(closedByCallback.withLock { $0 })
      #expect(server.connectionCount == 0)
      try await serving.value
    }
  }

  @Test func whatIsStillOpenAtTheDeadlineIsAborted() async throws {
    try await withGroup(loops: 2) { group in
      let server = try await group.loops[0].listen(host: "127.0.0.1", port: 0)
      let writing = Locked(false)
      let serving = Task {
        try await server.serve { connection in
          // Writes until the peer, which never reads, holds it up; only an abort ends it.
          writing.withLock { $0 = true }
          let chunk = ByteBuffer(bytes: [UInt8](repeating: 1, count: 64 * 1024))
          while true { try await connection.write(chunk) }
        }
      }
      // Kept, never read: its inbound buffer fills, then the kernel's, then the server's writes wait.
      let reader = try await group.loops[1].connect(host: "127.0.0.1", port: server.port!)
      #expect(await eventually { writing.withLock { $0 } })
      let start = ContinuousClock.now
      await server.shutdown(gracePeriod: .milliseconds(300))
      let took = ContinuousClock.now - start
      #expect(took >= .milliseconds(250) && took < .seconds(3), "shutdown took \(took)")
      #expect(server.connectionCount == 0)
      reader.abort()
      try await serving.value
    }
  }

  @Test func serveReportsTheAddressesItBound() async throws {
    try await withGroup(loops: 1) { group in
      let bound = Locked<[SocketAddress]>([])
      let serving = Task {
        try await serve(
          host: "127.0.0.1", port: 0, group: group,
          onListening: { addresses in bound.withLock { $0 = addresses } }
        ) { connection in try await echo(connection) }
      }
      #expect(await eventually { !bound.withLock { $0 }.isEmpty })
      let port = try #require(bound.withLock { $0 }.first?.port)
      #expect(port > 0)
      let connection = try await group.loops[0].connect(host: "127.0.0.1", port: port)
      try await connection.write("ping")
      var iterator = connection.inbound.makeAsyncIterator()
      #expect(try await iterator.next()?.string == "ping")
      connection.close()
      serving.cancel()
      _ = try? await serving.value
    }
  }
}
