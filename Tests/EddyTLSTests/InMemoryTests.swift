import EddyCodecs
import EddyProtocols
import EddyTLS
import EddyTesting
import Testing

/// TLS over in-memory transports: no sockets, no loop, time driven by the test. The protocols
/// above are ``RecordingProtocol``s, which note every breach of the protocol contract.
@Suite struct InMemoryTests {
  let clock = ManualClock()

  private func contexts(
    _ configure: (inout TLSConfiguration) -> Void = { _ in }
  ) throws -> (client: TLSContext, server: TLSContext) {
    let certificates = TestCertificates.shared
    var server = TLSConfiguration.server(
      certificatePath: certificates.path("server.pem"), keyPath: certificates.path("server.key"),
      timer: clock.timer)
    var client = TLSConfiguration.client(
      caPath: certificates.path("ca.pem"), serverName: "localhost", timer: clock.timer)
    configure(&server)
    configure(&client)
    return (try TLSContext(client), try TLSContext(server))
  }

  @Test(arguments: [1, 7, nil])
  func handshakeEchoAndCloseNotifyInPiecesOfAnySize(chunkSize: Int?) throws {
    let (clientContext, serverContext) = try contexts()
    let client = RecordingProtocol { recorder, event in
      if event == .connectionMade { recorder.transport?.write("hello in memory") }
    }
    let server = RecordingProtocol { recorder, event in
      if case .data(let bytes) = event { recorder.transport?.write(bytes) }
    }
    let pair = InMemoryTransport.pair(
      TLSLayer(context: clientContext, protocol: client), TLSLayer(context: serverContext, protocol: server),
      chunkSize: chunkSize)
    #expect(pair.run())
    #expect(client.receivedString == "hello in memory")
    client.transport?.close()
    #expect(pair.run())
    #expect(client.events.last == .connectionLost(nil))
    #expect(server.events.suffix(2) == [.eof, .connectionLost(nil)])
    #expect(client.violations.isEmpty && server.violations.isEmpty)
    #expect(pair.client.isClosed && pair.server.isClosed)
  }

  @Test func pauseReadingFromConnectionMadeHoldsRecordsUntilResumeReadingDeliversThem() throws {
    let (clientContext, serverContext) = try contexts()
    let client = RecordingProtocol { recorder, event in
      if event == .connectionMade { recorder.transport?.pauseReading() }
    }
    let server = RecordingProtocol { recorder, event in
      if event == .connectionMade { recorder.transport?.write("held back") }
    }
    let pair = InMemoryTransport.pair(
      TLSLayer(context: clientContext, protocol: client), TLSLayer(context: serverContext, protocol: server))
    pair.run()
    #expect(client.events == [.connectionMade])
    client.transport?.resumeReading()
    pair.run()
    #expect(client.receivedString == "held back")
    #expect(client.violations.isEmpty)
  }

  @Test(arguments: ["raw", "line", "zlib,length-prefix"])
  func theLayerConformanceSuitePassesForTLSAndCodecStacksOverIt(stackName: String) throws {
    let (clientContext, serverContext) = try contexts()
    let stack = try CodecStack(parsing: stackName)
    let subject = LayerConformance.Subject(
      name: "tls,\(stackName)",
      client: { TLSLayer(context: clientContext, protocol: stack.wrap($0)) },
      server: { TLSLayer(context: serverContext, protocol: stack.wrap($0)) },
      preservesMessageBoundaries: stackName != "raw")
    #expect(LayerConformance.failures(of: subject) == [])
  }

  @Test func resumeReadingHandsUpWhatWaitedInsideTheLayerBeforeItReturns() throws {
    let (clientContext, serverContext) = try contexts()
    let client = BufferedRecordingProtocol(memorySize: 3)
    client.recorder.onEvent = { recorder, event in
      if case .data = event { recorder.transport?.pauseReading() }
    }
    let server = RecordingProtocol { recorder, event in
      if event == .connectionMade { recorder.transport?.write("onetwo") }
    }
    let pair = InMemoryTransport.pair(
      TLSLayer(context: clientContext, protocol: client), TLSLayer(context: serverContext, protocol: server))
    pair.run()
    #expect(client.recorder.dataChunks == ["one"])
    client.recorder.transport?.resumeReading()
    // The rest was decrypted already: it is handed up inside the call, as a codec layer does.
    #expect(client.recorder.dataChunks == ["one", "two"])
    #expect(client.plainDeliveries == 0)
    #expect(client.recorder.violations.isEmpty)
  }

  @Test(arguments: [false, true])
  func aCleanCloseOfACodecStackOverTLSWarnsOnlyWhenTheProtocolAsksToStayHalfOpen(keepsOpen: Bool) throws {
    let captured = CapturedLog()
    let (clientContext, serverContext) = try contexts { $0.logger = captured.logger }
    let stack = try CodecStack(parsing: "zlib,line")
    let client = RecordingProtocol { recorder, event in
      if event == .connectionMade {
        recorder.transport?.write("last words")
        recorder.transport?.close()
      }
    }
    let server = RecordingProtocol(keepsOpenOnEOF: keepsOpen)
    let pair = InMemoryTransport.pair(
      TLSLayer(context: clientContext, protocol: stack.wrap(client)),
      TLSLayer(context: serverContext, protocol: stack.wrap(server)))
    #expect(pair.run())
    #expect(server.events == [.connectionMade, .data("last words"), .eof, .connectionLost(nil)])
    #expect(client.events.last == .connectionLost(nil))
    #expect(client.violations.isEmpty && server.violations.isEmpty)
    #expect(captured.warnings.contains { $0.contains("cannot stay half-open") } == keepsOpen)
    #expect(captured.warnings.count == (keepsOpen ? 1 : 0))
  }

  @Test func silentPeerTimesTheHandshakeOutExactlyAtTheLimit() throws {
    let (clientContext, _) = try contexts { $0.handshakeTimeout = .seconds(5) }
    let failures = FailureLog()
    let client = RecordingProtocol()
    let silent = RecordingProtocol()
    let pair = InMemoryTransport.pair(
      TLSLayer(context: clientContext, protocol: client, onHandshakeFailure: failures.handler), silent)
    pair.run()
    clock.advance(by: .milliseconds(4999))
    pair.run()
    #expect(failures.all.isEmpty)
    clock.advance(by: .milliseconds(1))
    pair.run()
    #expect(failures.all == [.handshakeTimeout])
    #expect(client.events.isEmpty)
    #expect(pair.client.isClosed)
    #expect(clock.pendingCount == 0)
  }

  @Test func aPeerThatDoesNotSpeakTLSFailsTheHandshake() throws {
    let (clientContext, _) = try contexts()
    let failures = FailureLog()
    let client = RecordingProtocol()
    let plain = RecordingProtocol { recorder, event in
      if case .data = event { recorder.transport?.write("HTTP/1.1 400 Bad Request\r\n\r\n") }
    }
    let pair = InMemoryTransport.pair(
      TLSLayer(context: clientContext, protocol: client, onHandshakeFailure: failures.handler), plain)
    pair.run()
    guard case .handshakeFailed = failures.all.first else {
      Issue.record("expected a handshake failure, got \(failures.all)")
      return
    }
    #expect(client.events.isEmpty)
    #expect(pair.client.isClosed)
  }

  @Test func garbageAfterTheHandshakeIsAProtocolErrorReportedOnce() throws {
    let (clientContext, serverContext) = try contexts()
    let client = RecordingProtocol()
    let server = RecordingProtocol()
    let pair = InMemoryTransport.pair(
      TLSLayer(context: clientContext, protocol: client), TLSLayer(context: serverContext, protocol: server))
    pair.run()
    // Bytes that bypass the server's layer: not a TLS record.
    pair.server.write("\u{17}\u{03}\u{03}\u{00}\u{05}junk!")
    pair.run()
    let lost = client.events.filter { if case .connectionLost = $0 { true } else { false } }
    #expect(lost.count == 1)
    guard case .protocolError = client.lostError as? TLSError else {
      Issue.record("expected a protocol error, got \(String(describing: client.lostError))")
      return
    }
    #expect(client.violations.isEmpty)
  }

  @Test func aTransportBelowThatHasNotSentPausesTheProtocolAboveWithBoundedBuffers() throws {
    let (clientContext, serverContext) = try contexts()
    let chunk = ByteBuffer(bytes: [UInt8](repeating: 0x61, count: 16 * 1024))
    let total = 400
    var writes = 0
    var largest = 0
    // Writes until paused; in-memory transports send only when the pair runs, so the first
    // burst meets a transport below that keeps everything.
    let client = RecordingProtocol { recorder, event in
      guard event == .connectionMade || event == .resumeWriting, let transport = recorder.transport else {
        return
      }
      while !recorder.isWritingPaused && writes < total {
        transport.write(chunk)
        writes += 1
        largest = max(largest, transport.writeBufferSize)
      }
    }
    let server = RecordingProtocol()
    let pair = InMemoryTransport.pair(
      TLSLayer(context: clientContext, protocol: client), TLSLayer(context: serverContext, protocol: server))
    pair.run()
    #expect(writes == total)
    #expect(client.count(of: .pauseWriting) > 0)
    #expect(client.count(of: .pauseWriting) == client.count(of: .resumeWriting))
    // The transport below holds up to its high mark plus one batch; the layer up to its own.
    #expect(largest < 300 * 1024, "buffered \(largest) bytes")
    #expect(server.received.readableBytes == total * chunk.readableBytes)
    #expect(client.violations.isEmpty && server.violations.isEmpty)
  }

  @Test func zeroWaterMarksPauseAtTheFirstQueuedByteAndResumeWhenDrained() throws {
    let (clientContext, serverContext) = try contexts()
    let client = RecordingProtocol()
    let server = RecordingProtocol()
    let pair = InMemoryTransport.pair(
      TLSLayer(context: clientContext, protocol: client), TLSLayer(context: serverContext, protocol: server))
    pair.run()
    let transport = try #require(client.transport)
    transport.setWriteBufferLimits(high: 0, low: 0)
    pair.client.setWriteBufferLimits(high: 0, low: 0)
    // The first write is encrypted and pauses the transport below; the second waits as plaintext.
    transport.write("one")
    #expect(client.count(of: .pauseWriting) == 0)
    transport.write("two")
    #expect(client.isWritingPaused)
    #expect(transport.writeBufferSize > 3)
    pair.run()
    #expect(client.count(of: .pauseWriting) == 1 && client.count(of: .resumeWriting) == 1)
    #expect(server.receivedString == "onetwo")
    #expect(client.violations.isEmpty && server.violations.isEmpty)
  }

  @Test func fullVerificationWithNoNameAndNoAddressFailsBeforeSendingAnything() throws {
    let certificates = TestCertificates.shared
    let context = try TLSContext(.client(caPath: certificates.path("ca.pem"), timer: clock.timer))
    let failures = FailureLog()
    let client = RecordingProtocol()
    let peer = RecordingProtocol()
    let pair = InMemoryTransport.pair(
      TLSLayer(context: context, protocol: client, onHandshakeFailure: failures.handler), peer)
    pair.run()
    #expect(failures.all == [.invalidConfiguration(reason: "hostname verification needs a server name")])
    #expect(peer.received.readableBytes == 0)
    #expect(client.events.isEmpty)
  }
}
