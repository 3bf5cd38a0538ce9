import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

/// A protocol may write, close or abort from inside any callback without losing a flush or
/// getting a callback twice.
@Suite struct ReentrancyTests {
  /// Starts a server whose protocols `configure` sets up, connects a client that records
  /// everything and half-closes after `clientSends`, and waits until both sides are lost.
  func exchange(
    clientSends: ByteBuffer = ByteBuffer(), clientWritesEOF: Bool = true,
    configureClient: @escaping @Sendable (Probe) -> Void = { _ in },
    configureServer: @escaping @Sendable (Probe) -> Void
  ) async throws -> (client: ProbeLog, server: ProbeLog) {
    try await withLoop { loop in
      let serverLog = ProbeLog()
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        let probe = Probe(log: serverLog)
        configureServer(probe)
        return probe
      }
      defer { server.close() }
      let clientLog = ProbeLog()
      try await connect(loop, to: server.addresses[0]) {
        let probe = Probe(log: clientLog)
        configureClient(probe)
        let previous = probe.onMade
        probe.onMade = { probe in
          previous?(probe)
          if !clientSends.isEmpty { probe.transport!.write(clientSends) }
          if clientWritesEOF { probe.transport!.writeEOF() }
        }
        return probe
      }
      #expect(await eventually { clientLog.isLost && serverLog.isLost })
      try await Task.sleep(for: .milliseconds(20))
      return (clientLog, serverLog)
    }
  }

  /// Compares without printing megabytes when they differ.
  func same(_ left: [UInt8], _ right: [UInt8]) -> Bool {
    if left != right { Issue.record("got \(left.count) bytes, expected \(right.count)") }
    return left == right
  }

  static let big = ByteBuffer(bytes: (0..<(2 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 >> 3) })
  /// More than loopback's socket buffers take in one send, so some of it must be queued.
  static let huge = ByteBuffer(bytes: (0..<(16 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 >> 5) })

  @Test func writeAndCloseInsideConnectionMade() async throws {
    let (client, server) = try await exchange(clientWritesEOF: false) { probe in
      probe.onMade = { probe in
        probe.transport!.write(Self.big)
        probe.transport!.close()
        probe.transport!.close()
      }
    }
    let delivered = same(client.bytes, Self.big.bytes)
    #expect(delivered)
    #expect(client.lifecycle == [.made, .eof, .lost(nil)])
    #expect(server.lifecycle == [.made, .lost(nil)])
  }

  @Test func writeAndCloseInsideDataReceivedFlushesEverything() async throws {
    let (client, server) = try await exchange(clientSends: "go", clientWritesEOF: false) { probe in
      probe.onData = { probe, _ in
        probe.transport!.write(Self.big)
        probe.transport!.write("tail")
        probe.transport!.close()
        probe.transport!.write("ignored after close")
      }
    }
    let delivered = same(client.bytes, Self.big.bytes + Array("tail".utf8))
    #expect(delivered)
    #expect(server.lifecycle == [.made, .lost(nil)])
  }

  @Test func writeInsideEOFReceivedIsDelivered() async throws {
    let (client, server) = try await exchange(clientSends: "question") { probe in
      probe.onEOF = { probe in
        probe.transport!.write(Self.big)
        return false
      }
    }
    let delivered = same(client.bytes, Self.big.bytes)
    #expect(delivered)
    #expect(server.lifecycle == [.made, .eof, .lost(nil)])
    #expect(client.lifecycle == [.made, .eof, .lost(nil)])
  }

  @Test func writeAndCloseInsidePauseWriting() async throws {
    let (client, server) = try await exchange(clientWritesEOF: false) { probe in
      probe.onMade = { probe in
        probe.transport!.setWriteBufferLimits(high: 1024, low: 0)
        probe.transport!.write(Self.huge)
      }
      probe.onPause = { probe in
        probe.transport!.write("after pause")
        probe.transport!.close()
      }
    }
    let delivered = same(client.bytes, Self.huge.bytes + Array("after pause".utf8))
    #expect(delivered)
    #expect(server.lifecycle == [.made, .pause, .resume, .lost(nil)], "client: \(client.lifecycle)")
  }

  @Test func writeAndCloseInsideResumeWriting() async throws {
    let (client, server) = try await exchange(clientWritesEOF: false) { probe in
      probe.onMade = { probe in
        probe.transport!.setWriteBufferLimits(high: 1024, low: 512)
        probe.transport!.write(Self.huge)
      }
      probe.onResume = { probe in
        probe.transport!.write("after resume")
        probe.transport!.close()
      }
    }
    let delivered = same(client.bytes, Self.huge.bytes + Array("after resume".utf8))
    #expect(delivered)
    #expect(server.lifecycle == [.made, .pause, .resume, .lost(nil)], "client: \(client.lifecycle)")
  }

  @Test func abortInsideDataReceivedStopsEverything() async throws {
    let (client, server) = try await exchange(clientSends: "abort me", clientWritesEOF: false) { probe in
      probe.onData = { probe, _ in
        probe.transport!.write(Self.big)
        probe.transport!.abort()
        probe.transport!.abort()
        probe.transport!.close()
      }
    }
    #expect(server.lifecycle == [.made, .lost(nil)])
    #expect(server.events.filter { if case .data = $0 { true } else { false } }.count == 1)
    #expect(client.events.first == .made)
    #expect(client.isLost)
  }

  @Test func writeEOFThenCloseDeliversEverythingThenEOF() async throws {
    let (client, server) = try await exchange(clientWritesEOF: false) { probe in
      probe.onMade = { probe in
        probe.transport!.write(Self.big)
        probe.transport!.writeEOF()
        probe.transport!.write("dropped: after writeEOF")
      }
      probe.onEOF = { _ in false }
    }
    let delivered = same(client.bytes, Self.big.bytes)
    #expect(delivered)
    #expect(client.lifecycle.prefix(2) == [.made, .eof])
    #expect(server.lifecycle.first == .made)
  }
}
