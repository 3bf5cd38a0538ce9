import EddyAsync
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

@Suite struct BackpressureTests {
  /// A consumer that falls behind a peer sending 100 MiB as fast as it can: the inbound buffer
  /// stays within its bound, because reading pauses and resumes.
  @Test func slowConsumerHoldsTheInboundBufferBounded() async throws {
    try await withGroup(loops: 2) { group in
      let total = 100 * 1024 * 1024
      let server = try group.loops[0].createServer(host: "127.0.0.1", port: 0) { Blaster(total: total) }
      defer { server.close() }
      let limits = InboundBufferLimits.bytes(high: 256 * 1024, low: 64 * 1024)
      let connection = try await group.loops[1].connect(
        host: "127.0.0.1", port: server.port!,
        configuration: AsyncConnectionConfiguration(inboundLimits: limits))
      var received = 0
      var inOrder = true
      var elements = 0
      let start = ContinuousClock.now
      for try await chunk in connection.inbound {
        inOrder = inOrder && followsPattern(chunk, from: received)
        received += chunk.readableBytes
        elements += 1
        // Slow for the first elements, then as fast as it can so the test stays short.
        if elements <= 200 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(ContinuousClock.now - start < .seconds(60))
      }
      let statistics = connection.statistics
      #expect(received == total)
      #expect(inOrder)
      #expect(statistics.readPauses > 0)
      #expect(statistics.readResumes > 0)
      // Reading pauses at the high mark, so at most one more receive (64 KiB) lands on top.
      #expect(statistics.peakInboundBytes >= limits.high)
      #expect(statistics.peakInboundBytes < limits.high + 64 * 1024)
    }
  }

  /// Counted in elements, the buffer never holds more than the high mark.
  @Test func elementLimitsBoundTheElementCount() async throws {
    try await withGroup(loops: 2) { group in
      let total = 8 * 1024 * 1024
      let server = try group.loops[0].createServer(host: "127.0.0.1", port: 0) { Blaster(total: total) }
      defer { server.close() }
      let limits = InboundBufferLimits.elements(high: 4, low: 1)
      let connection = try await group.loops[1].connect(
        host: "127.0.0.1", port: server.port!,
        configuration: AsyncConnectionConfiguration(inboundLimits: limits))
      var received = 0
      for try await chunk in connection.inbound {
        received += chunk.readableBytes
        if received < total / 4 { try await Task.sleep(for: .milliseconds(1)) }
      }
      #expect(received == total)
      #expect(connection.statistics.peakInboundElements == limits.high)
      #expect(connection.statistics.readPauses > 0)
    }
  }

  /// A peer that does not read: the writer suspends, and what waits in memory stays bounded
  /// by the water marks instead of growing with what the producer wants to send. Once the
  /// peer reads, every byte arrives in order.
  @Test func slowPeerSuspendsTheWriter() async throws {
    try await withGroup(loops: 2) { group in
      let (connection, peers, log, server) = try await connectToUnreadingPeer(group)
      defer { server.close() }
      let total = 64 * 1024 * 1024
      let chunk = 64 * 1024
      let written = SharedCounter()
      let source = PatternSource(maxCount: chunk)
      let writer = Task {
        var offset = 0
        while offset < total {
          try await connection.write(source.slice(from: offset, count: chunk))
          offset += chunk
          written.store(offset)
        }
        connection.close()
      }
      // The writer stalls: the kernel's socket buffers fill, then the transport's, then it waits.
      var stalledAt = -1
      let deadline = ContinuousClock.now + .seconds(20)
      while stalledAt < 0 && ContinuousClock.now < deadline {
        let before = written.value
        try await Task.sleep(for: .milliseconds(100))
        if written.value == before && connection.statistics.writerSuspensions > 0 {
          stalledAt = before
        }
      }
      #expect(stalledAt >= 0)
      try await Task.sleep(for: .milliseconds(200))
      #expect(written.value == stalledAt)
      #expect(stalledAt < total / 2)
      let statistics = connection.statistics
      #expect(statistics.writePauses > 0)
      let defaultHigh = WriteBufferLimits.defaultHigh
      let staging = AsyncConnectionConfiguration.defaultStagingLimit
      #expect(statistics.peakStagedBytes <= staging + chunk)
      #expect(statistics.peakTransportBuffer <= defaultHigh + staging + chunk)
      // The peer starts reading: the writer finishes and every byte arrives, in order.
      try await group.loops[0].submit { peers.resumeReading() }
      try await writer.value
      #expect(await eventually(within: 60) { log.received == total && log.lost })
      #expect(log.inOrder)
      #expect(log.sawEOF)
    }
  }

  /// Many tasks write at once while the peer is slow: nothing is lost or duplicated and each
  /// task's writes arrive in the order it issued them.
  @Test func concurrentWritersKeepTheirOrder() async throws {
    try await withGroup(loops: 2) { group in
      let server = try await group.loops[0].listen(host: "127.0.0.1", port: 0)
      let serving = Task { try await server.serve(echo) }
      let connection = try await group.loops[1].connect(
        host: "127.0.0.1", port: server.port!, configuration: AsyncConnectionConfiguration(stagingLimit: 1024)
      )
      let writers = 8
      let messages = 2_000
      try await withThrowingTaskGroup(of: Void.self) { tasks in
        for writer in 0..<writers {
          tasks.addTask {
            for sequence in 0..<messages {
              var message = ByteBuffer()
              message.writeInteger(UInt32(writer))
              message.writeInteger(UInt32(sequence))
              try await connection.write(message)
            }
          }
        }
        try await tasks.waitForAll()
      }
      connection.writeEOF()
      var pending = ByteBuffer()
      var next = [UInt32](repeating: 0, count: writers)
      var ordered = true
      for try await chunk in connection.inbound {
        pending.writeBuffer(chunk)
        while pending.readableBytes >= 8 {
          let writer = Int(pending.readInteger(as: UInt32.self)!)
          let sequence = pending.readInteger(as: UInt32.self)!
          ordered = ordered && sequence == next[writer]
          next[writer] += 1
        }
      }
      #expect(ordered)
      #expect(next == [UInt32](repeating: UInt32(messages), count: writers))
      #expect(pending.isEmpty)
      server.close()
      try await serving.value
    }
  }
}
