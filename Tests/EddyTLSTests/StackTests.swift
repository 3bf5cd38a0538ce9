import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTLS
import EddyTestSupport
import EddyTransports
import Testing

/// Codec layers stacked on TLS over TCP: TCP -> TLS -> zlib -> line.
@Suite struct StackTests {
  @Test func tenMebibytesOfLinesThroughTLSAndZlibArriveInOrder() async throws {
    try await withLoop { loop in
      let stack = try CodecStack(parsing: "zlib,line")
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0,
        protocolFactory: TLSLayer.factory(context: try Contexts.server()) { stack.wrap(Echo()) })
      defer { server.close() }
      // 10 MiB of 1 KiB lines (1023 bytes and the newline), each starting with its number.
      let lineCount = 10 * 1024
      let filler = String(repeating: "abcdefghijklmnopqrstuvwxyz", count: 40)
      let lines = (0..<lineCount).map { number -> ByteBuffer in
        let head = String(number)
        return ByteBuffer(string: head + String(filler.prefix(1023 - head.count)))
      }
      let log = ProbeLog()
      try await connect(
        loop, port: server.port!,
        TLSLayer.factory(context: try Contexts.client()) {
          let probe = Probe(log: log)
          probe.onMade = { probe in
            for line in lines { probe.transport!.write(line) }
          }
          var next = 0
          probe.onData = { probe, line in
            // The line layer delivers one line per call, without its newline.
            if next >= lineCount || line != lines[next] {
              Issue.record("line \(next) is wrong: \(line)")
              probe.transport!.abort()
              return
            }
            next += 1
            if next == lineCount { probe.transport!.close() }
          }
          return stack.wrap(probe)
        })
      #expect(await eventually(within: 60) { log.isLost })
      #expect(log.events.count { if case .data = $0 { true } else { false } } == lineCount)
      #expect(log.byteCount == lineCount * 1023)
      #expect(log.lifecycle.last == .lost(nil))
    }
  }
}

/// What the protocol at the top of a stack sees of the connection below all its layers.
@Suite struct StackConnectionFactsTests {
  final class Facts: StreamProtocol {
    let seen: Locked<(local: Int?, peer: String?, hasDescriptor: Bool, nextTurnRan: Bool)?>
    init(seen: Locked<(local: Int?, peer: String?, hasDescriptor: Bool, nextTurnRan: Bool)?>) {
      self.seen = seen
    }

    func connectionMade(_ transport: any StreamTransport) {
      let facts = (
        local: transport.localAddress?.port, peer: transport.peerAddress?.host,
        hasDescriptor: transport.fileDescriptor != nil, nextTurnRan: false
      )
      seen.withLock { $0 = facts }
      _ = transport.callOnNextTurn { [seen] in seen.withLock { $0?.nextTurnRan = true } }
    }
  }

  @Test func theTopOfATLSAndCodecStackSeesTheSocketsAddressesDescriptorAndLoop() async throws {
    try await withLoop { loop in
      let seen = Locked<(local: Int?, peer: String?, hasDescriptor: Bool, nextTurnRan: Bool)?>(nil)
      let stack = try CodecStack(parsing: "zlib,line")
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0,
        protocolFactory: TLSLayer.factory(context: try Contexts.server()) { stack.wrap(Facts(seen: seen)) })
      defer { server.close() }
      let log = ProbeLog()
      try await connect(
        loop, port: server.port!, TLSLayer.factory(context: try Contexts.client()) { Probe(log: log) })
      #expect(await eventually { seen.withLock { $0?.nextTurnRan == true } })
      let facts = seen.withLock { $0 }
      #expect(facts?.local == server.port)
      #expect(facts?.peer == "127.0.0.1")
      #expect(facts?.hasDescriptor == true)
    }
  }
}
