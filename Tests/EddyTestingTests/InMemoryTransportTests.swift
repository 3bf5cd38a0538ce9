import EddyProtocols
import EddyTesting
import Testing

@Suite struct InMemoryTransportTests {
  @Test func connectionMadeComesFirstOnBothEnds() {
    let client = RecordingProtocol()
    let server = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, server)
    #expect(client.events == [.connectionMade])
    #expect(server.events == [.connectionMade])
    #expect(client.transport === pair.client)
    #expect(server.transport === pair.server)
  }

  @Test func writesReachThePeerInOrderOnlyWhenThePumpRuns() {
    let client = RecordingProtocol()
    let server = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, server)
    pair.client.write("one ")
    pair.client.write("two")
    #expect(server.dataChunks.isEmpty)
    #expect(pair.client.writeBufferSize == 7)
    #expect(pair.run())
    #expect(server.dataChunks == ["one ", "two"])
    #expect(pair.client.writeBufferSize == 0)
  }

  @Test func emptyWritesAreIgnored() {
    let server = RecordingProtocol()
    let pair = InMemoryTransport.pair(RecordingProtocol(), server)
    pair.client.write(ByteBuffer())
    pair.run()
    #expect(server.events == [.connectionMade])
    #expect(server.violations.isEmpty)
  }

  @Test func chunkSizeSplitsDeliveriesWithoutCopying() {
    let server = RecordingProtocol()
    let pair = InMemoryTransport.pair(RecordingProtocol(), server, chunkSize: 3)
    let payload: ByteBuffer = "abcdefgh"
    pair.client.write(payload)
    pair.run()
    #expect(server.dataChunks == ["abc", "def", "gh"])
    #expect(server.dataChunks.allSatisfy { $0.sharesStorage(with: payload) })
  }

  @Test func closeDrainsThenSendsEOFThenEndsBothSides() {
    let client = RecordingProtocol()
    let server = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, server)
    pair.client.write("bye")
    pair.client.close()
    #expect(pair.client.isClosing)
    #expect(!pair.client.isReading)
    pair.client.write("ignored")
    pair.run()
    #expect(server.events == [.connectionMade, .data("bye"), .eof, .connectionLost(nil)])
    #expect(client.events == [.connectionMade, .connectionLost(nil)])
    #expect(pair.client.isClosed && pair.server.isClosed)
    #expect(client.violations.isEmpty && server.violations.isEmpty)
  }

  @Test func writeEOFHalfClosesAndTheOtherDirectionGoesOn() {
    let client = RecordingProtocol()
    let server = RecordingProtocol(keepsOpenOnEOF: true) { recorder, event in
      if event == .eof {
        recorder.transport?.write("late reply")
        recorder.transport?.close()
      }
    }
    let pair = InMemoryTransport.pair(client, server)
    pair.client.write("request")
    pair.client.writeEOF()
    pair.client.write("ignored after EOF")
    pair.run()
    #expect(server.events == [.connectionMade, .data("request"), .eof, .connectionLost(nil)])
    #expect(client.events == [.connectionMade, .data("late reply"), .eof, .connectionLost(nil)])
    #expect(client.violations.isEmpty && server.violations.isEmpty)
  }

  @Test func eofReceivedReturningTrueKeepsTheConnectionOpen() {
    let server = RecordingProtocol(keepsOpenOnEOF: true)
    let pair = InMemoryTransport.pair(RecordingProtocol(), server)
    pair.client.writeEOF()
    pair.run()
    #expect(server.events == [.connectionMade, .eof])
    #expect(!pair.server.isClosing)
  }

  @Test func abortDropsBufferedBytesAndThePeerSeesEOF() {
    let client = RecordingProtocol()
    let server = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, server)
    pair.client.write("dropped")
    pair.client.abort()
    #expect(pair.client.writeBufferSize == 0)
    pair.run()
    #expect(client.events == [.connectionMade, .connectionLost(nil)])
    #expect(server.events == [.connectionMade, .eof, .connectionLost(nil)])
  }

  @Test func pauseReadingFromConnectionMadeHoldsDataAndEOFUntilResumed() {
    let server = RecordingProtocol { recorder, event in
      if event == .connectionMade { recorder.transport?.pauseReading() }
    }
    let pair = InMemoryTransport.pair(RecordingProtocol(), server)
    pair.client.write("held")
    pair.client.writeEOF()
    pair.run()
    #expect(server.events == [.connectionMade])
    #expect(!pair.server.isReading)
    pair.server.pauseReading()
    pair.server.resumeReading()
    pair.server.resumeReading()
    #expect(pair.server.isReading)
    pair.run()
    #expect(server.events == [.connectionMade, .data("held"), .eof, .connectionLost(nil)])
  }

  @Test func pauseReadingInsideDataReceivedStopsFurtherDeliveries() {
    let server = RecordingProtocol { recorder, event in
      if case .data = event { recorder.transport?.pauseReading() }
    }
    let pair = InMemoryTransport.pair(RecordingProtocol(), server)
    pair.client.write("a")
    pair.client.write("b")
    pair.run()
    #expect(server.dataChunks == ["a"])
    pair.server.resumeReading()
    pair.run()
    #expect(server.dataChunks == ["a", "b"])
  }

  @Test func waterMarksPauseAndResumeTheWriterWhileThePeerIsNotReading() {
    let client = RecordingProtocol()
    let server = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, server, limits: WriteBufferLimits(high: 8, low: 2))
    pair.server.pauseReading()
    pair.client.write("12345678")
    #expect(client.events == [.connectionMade])
    pair.client.write("9")
    #expect(client.events == [.connectionMade, .pauseWriting])
    pair.client.write("more")
    pair.run()
    #expect(client.count(of: .pauseWriting) == 1)
    #expect(pair.client.writeBufferSize == 13)
    pair.server.resumeReading()
    pair.run()
    #expect(client.events == [.connectionMade, .pauseWriting, .resumeWriting])
    #expect(server.receivedString == "123456789more")
    #expect(client.violations.isEmpty)
  }

  @Test func holdsWritesModelsAPeerWhoseNetworkIsNotReading() {
    let client = RecordingProtocol()
    let server = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, server, limits: WriteBufferLimits(high: 0))
    pair.client.holdsWrites = true
    pair.client.write("x")
    pair.client.writeEOF()
    pair.run()
    #expect(client.events == [.connectionMade, .pauseWriting])
    #expect(server.events == [.connectionMade])
    pair.client.holdsWrites = false
    pair.run()
    #expect(client.events.prefix(3) == [.connectionMade, .pauseWriting, .resumeWriting])
    #expect(server.events.prefix(3) == [.connectionMade, .data("x"), .eof])
  }

  @Test func setWriteBufferLimitsReportsTheCrossingAtOnce() {
    let client = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, RecordingProtocol())
    pair.server.pauseReading()
    pair.client.write("0123456789")
    pair.client.setWriteBufferLimits(high: 4, low: nil)
    #expect(pair.client.writeBufferLimits == WriteBufferLimits(high: 4, low: 1))
    #expect(client.events == [.connectionMade, .pauseWriting])
    pair.client.setWriteBufferLimits(high: 64, low: 16)
    #expect(client.events == [.connectionMade, .pauseWriting, .resumeWriting])
  }

  @Test func writesInsideCallbacksAreDeliveredWithoutReentrancy() {
    var depth = 0
    var maxDepth = 0
    let echo = RecordingProtocol { recorder, event in
      depth += 1
      maxDepth = max(maxDepth, depth)
      if case .data(let bytes) = event, bytes.readableBytes < 5 {
        var longer = bytes
        longer.writeString("+")
        recorder.transport?.write(longer)
      }
      depth -= 1
    }
    let client = RecordingProtocol { recorder, event in
      if case .data(let bytes) = event, bytes.readableBytes < 5 {
        var longer = bytes
        longer.writeString("-")
        recorder.transport?.write(longer)
      }
    }
    let pair = InMemoryTransport.pair(client, echo)
    pair.client.write("a")
    #expect(pair.run())
    #expect(echo.dataChunks == ["a", "a+-", "a+-+-"])
    #expect(client.dataChunks == ["a+", "a+-+"])
    #expect(maxDepth == 1)
  }

  @Test func closeInsideDataReceivedEndsAfterTheCallbackReturns() {
    let server = RecordingProtocol { recorder, event in
      if case .data = event {
        recorder.transport?.write("last words")
        recorder.transport?.close()
        recorder.transport?.close()
      }
    }
    let client = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, server)
    pair.client.write("hi")
    pair.run()
    #expect(server.events == [.connectionMade, .data("hi"), .connectionLost(nil)])
    #expect(client.events == [.connectionMade, .data("last words"), .eof, .connectionLost(nil)])
    #expect(server.violations.isEmpty && client.violations.isEmpty)
  }

  @Test func bytesForAPeerThatHasEndedResetTheWriter() {
    let client = RecordingProtocol()
    let server = RecordingProtocol { recorder, event in
      if event == .connectionMade { recorder.transport?.close() }
    }
    let pair = InMemoryTransport.pair(client, server)
    pair.server.resumeReading()
    pair.run()
    #expect(client.events == [.connectionMade, .eof, .connectionLost(nil)])
    let writer = RecordingProtocol(keepsOpenOnEOF: true)
    let closer = RecordingProtocol()
    let second = InMemoryTransport.pair(writer, closer)
    second.server.close()
    second.run()
    second.client.write("too late")
    second.run()
    #expect(writer.lostError as? InMemoryTransportError == .connectionReset)
    #expect(second.client.closeError as? InMemoryTransportError == .connectionReset)
  }

  @Test func aClosingWriterEndsNormallyEvenWhenThePeerHasGone() {
    let writer = RecordingProtocol(keepsOpenOnEOF: true)
    let closer = RecordingProtocol()
    let pair = InMemoryTransport.pair(writer, closer)
    pair.server.close()
    pair.run()
    pair.client.write("parting words")
    pair.client.close()
    pair.run()
    #expect(writer.events == [.connectionMade, .eof, .connectionLost(nil)])
    #expect(closer.dataChunks.isEmpty)
  }

  @Test func runStopsAtTheStepLimitForEndlessTalk() {
    let pingPong = { (recorder: RecordingProtocol, event: RecordingProtocol.Event) in
      if case .data(let bytes) = event { recorder.transport?.write(bytes) }
    }
    let pair = InMemoryTransport.pair(
      RecordingProtocol(onEvent: pingPong), RecordingProtocol(onEvent: pingPong))
    pair.client.write("ping")
    #expect(!pair.run(maxSteps: 50))
  }

  @Test func setProtocolRoutesLaterCallbacks() {
    let first = RecordingProtocol()
    let second = RecordingProtocol()
    let pair = InMemoryTransport.pair(RecordingProtocol(), first)
    pair.server.setProtocol(second)
    #expect(pair.server.streamProtocol === second)
    pair.client.write("to second")
    pair.run()
    #expect(first.dataChunks.isEmpty)
    #expect(second.receivedString == "to second")
  }

  @Test func anEndedTransportLetsGoOfItsProtocol() {
    weak var released: RecordingProtocol?
    let pair: InMemoryTransport.Pair
    do {
      let server = RecordingProtocol()
      released = server
      pair = InMemoryTransport.pair(RecordingProtocol(), server)
      pair.client.close()
      #expect(pair.run())
      #expect(server.isLost)
    }
    // The recorder keeps its transport; the transport no longer keeps the recorder.
    #expect(released == nil)
    #expect(pair.server.streamProtocol is ClosedStreamProtocol)
  }
}
