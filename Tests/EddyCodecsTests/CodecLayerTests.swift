import EddyCodecs
import EddyProtocols
import EddyTesting
import Testing

@Suite struct CodecLayerTests {
  @Test func lineLayerHandsUpOneDataReceivedPerLineAtEveryChunking() throws {
    let wire: ByteBuffer = "alpha\r\nbeta\n\ngamma\n"
    for chunkSize in 1...wire.readableBytes {
      let app = RecordingProtocol()
      let pair = InMemoryTransport.pair(
        RecordingProtocol(), try CodecStack(parsing: "line").wrap(app), chunkSize: chunkSize)
      pair.client.write(wire)
      pair.run()
      #expect(app.dataChunks == ["alpha", "beta", "gamma"])
      #expect(app.violations.isEmpty)
    }
  }

  @Test func messageProtocolsGetZeroLengthFrames() throws {
    let app = MessageRecorder()
    let pair = InMemoryTransport.pair(
      RecordingProtocol(), try CodecStack(parsing: "length-prefix").wrap(app), chunkSize: 3)
    pair.client.write(try encodeAll(LengthFieldCodec(), ["one", "", "three", ""]))
    pair.run()
    #expect(app.messages == ["one", "", "three", ""])
    #expect(app.recorder.dataChunks.isEmpty)
  }

  @Test func framesWholeInOneReadAreHandedUpWithoutCopying() throws {
    let app = MessageRecorder()
    let pair = InMemoryTransport.pair(RecordingProtocol(), try CodecStack(parsing: "length-prefix").wrap(app))
    let wire = try encodeAll(LengthFieldCodec(), ["one", "two", "three"])
    pair.client.write(wire)
    pair.run()
    #expect(app.messages == ["one", "two", "three"])
    #expect(app.messages.allSatisfy { $0.sharesStorage(with: wire) })
  }

  @Test func bytesOfAnUnfinishedFrameAreMovedOutOfTheReceivedBuffer() throws {
    let app = LineCollector()
    let layer = try CodecStack(parsing: "line").wrap(app)
    _ = InMemoryTransport.pair(RecordingProtocol(), layer)
    for round in 0..<3 {
      var received = ByteBuffer(capacity: 64)
      received.writeString("line \(round)\npart")
      let before = received.withUnsafeReadableBytes { $0.baseAddress }
      layer.dataReceived(received)
      // Were the layer still holding the buffer, this write would have to copy it first.
      received.writeString("!")
      #expect(received.withUnsafeReadableBytes { $0.baseAddress } == before)
      layer.dataReceived(ByteBuffer(string: "ial \(round)\n"))
    }
    #expect(app.lines == ["line 0", "partial 0", "line 1", "partial 1", "line 2", "partial 2"])
  }

  @Test(arguments: ["line", "length-prefix", "zlib", "zlib,line", "zlib,length-prefix"])
  func framesRoundTripThroughTheSameStackOnBothEnds(name: String) throws {
    let stack = try CodecStack(parsing: name)
    let frames: [ByteBuffer] = [
      "first", "second frame", ByteBuffer(string: String(repeating: "long ", count: 3000)),
    ]
    let client = RecordingProtocol { recorder, event in
      if event == .connectionMade { recorder.transport?.write(contentsOf: frames) }
    }
    let echo = RecordingProtocol { recorder, event in
      if case .data(let frame) = event { recorder.transport?.write(frame) }
    }
    let pair = InMemoryTransport.pair(stack.wrap(client), stack.wrap(echo), chunkSize: 7)
    pair.run()
    if name == "zlib" {
      #expect(client.received == frames.reduce(into: ByteBuffer()) { $0.writeBuffer($1) })
    } else {
      #expect(client.dataChunks == frames)
      #expect(echo.dataChunks == frames)
    }
    client.transport?.close()
    pair.run()
    #expect(client.events.last == .connectionLost(nil))
    #expect(echo.events.suffix(2) == [.eof, .connectionLost(nil)])
    #expect(client.violations.isEmpty && echo.violations.isEmpty)
  }

  @Test func pauseReadingInsideAFrameHoldsTheRestUntilResumed() throws {
    let app = RecordingProtocol { recorder, event in
      if event == .data("a") { recorder.transport?.pauseReading() }
    }
    let pair = InMemoryTransport.pair(RecordingProtocol(), try CodecStack(parsing: "line").wrap(app))
    pair.client.write("a\nb\nc\n")
    pair.client.write("d\n")
    pair.run()
    #expect(app.dataChunks == ["a"])
    #expect(!pair.server.isReading)
    #expect(app.transport?.isReading == false)
    app.transport?.resumeReading()
    #expect(app.dataChunks == ["a", "b", "c"])
    #expect(pair.server.isReading)
    pair.run()
    #expect(app.dataChunks == ["a", "b", "c", "d"])
  }

  @Test func pauseReadingFromConnectionMadeBacksUpThePeerUntilResumed() throws {
    let app = RecordingProtocol { recorder, event in
      if event == .connectionMade { recorder.transport?.pauseReading() }
    }
    let client = RecordingProtocol()
    let pair = InMemoryTransport.pair(
      client, try CodecStack(parsing: "zlib,line").wrap(app), limits: WriteBufferLimits(high: 16, low: 0))
    #expect(!pair.server.isReading)
    pair.client.write(try encodeAll(ZlibEncoder(), ["a line that is long enough to pass the mark\n"]))
    pair.run()
    #expect(app.dataChunks.isEmpty)
    #expect(client.events == [.connectionMade, .pauseWriting])
    app.transport?.resumeReading()
    pair.run()
    #expect(app.dataChunks == ["a line that is long enough to pass the mark"])
    #expect(client.events == [.connectionMade, .pauseWriting, .resumeWriting])
  }

  @Test func writeFlowControlCrossesEveryLayerUp() throws {
    let app = RecordingProtocol()
    let peer = RecordingProtocol { recorder, event in
      if event == .connectionMade { recorder.transport?.pauseReading() }
    }
    let pair = InMemoryTransport.pair(
      try CodecStack(parsing: "zlib,length-prefix").wrap(app), peer,
      limits: WriteBufferLimits(high: 64, low: 8))
    let transport = try #require(app.transport)
    transport.write(ByteBuffer(bytes: (0..<400).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
    #expect(app.events == [.connectionMade, .pauseWriting])
    #expect(transport.writeBufferSize == pair.client.writeBufferSize)
    #expect(transport.writeBufferLimits == WriteBufferLimits(high: 64, low: 8))
    peer.transport?.resumeReading()
    pair.run()
    #expect(app.events == [.connectionMade, .pauseWriting, .resumeWriting])
    transport.setWriteBufferLimits(high: 1000, low: nil)
    #expect(pair.client.writeBufferLimits == WriteBufferLimits(high: 1000))
  }

  @Test(arguments: ["line", "zlib,line"])
  func anEchoThatPausesReadingWhileItsWritesBackUpKeepsMemoryBounded(name: String) throws {
    let echo = RecordingProtocol { recorder, event in
      switch event {
      case .data(let line): recorder.transport?.write(line)
      case .pauseWriting: recorder.transport?.pauseReading()
      case .resumeWriting: recorder.transport?.resumeReading()
      default: break
      }
    }
    let stack = try CodecStack(parsing: name)
    let client = RecordingProtocol { recorder, event in
      if event == .connectionMade { recorder.transport?.pauseReading() }
    }
    let limits = WriteBufferLimits(high: 4096, low: 1024)
    let pair = InMemoryTransport.pair(stack.wrap(client), stack.wrap(echo), limits: limits)
    // Letters from a linear congruential generator: lines that compress poorly, like real traffic.
    var seed: UInt32 = 12_345
    let lines = (0..<1000).map { _ in
      ByteBuffer(
        bytes: (0..<100).map { _ in
          seed = seed &* 1_103_515_245 &+ 12_345
          return UInt8(ascii: "a") + UInt8((seed >> 16) % 26)
        })
    }
    for chunk in stride(from: 0, to: lines.count, by: 10) {
      client.transport?.write(contentsOf: Array(lines[chunk..<chunk + 10]))
    }
    pair.run()
    #expect(echo.events.contains(.pauseWriting))
    #expect(!pair.server.isReading)
    #expect(pair.server.writeBufferSize <= limits.high + 10 * 101)
    #expect(echo.dataChunks.count < lines.count)
    #expect(client.events.contains(.pauseWriting))
    client.transport?.resumeReading()
    pair.run()
    #expect(client.dataChunks == lines)
    #expect(echo.dataChunks == lines)
    #expect(client.violations.isEmpty && echo.violations.isEmpty)
  }

  @Test func endOfFileCrossesAfterEveryFrameAndTheAppMayStillReply() throws {
    let app = RecordingProtocol(keepsOpenOnEOF: true) { recorder, event in
      if event == .eof {
        recorder.transport?.write("reply")
        recorder.transport?.close()
      }
    }
    let client = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, try CodecStack(parsing: "line").wrap(app))
    pair.client.write("a\nb\n")
    pair.client.writeEOF()
    pair.run()
    #expect(app.events == [.connectionMade, .data("a"), .data("b"), .eof, .connectionLost(nil)])
    #expect(client.events == [.connectionMade, .data("reply\n"), .eof, .connectionLost(nil)])
  }

  @Test func endOfFileWaitsWhileReadingIsPaused() throws {
    let app = RecordingProtocol { recorder, event in
      if event == .connectionMade { recorder.transport?.pauseReading() }
    }
    let pair = InMemoryTransport.pair(RecordingProtocol(), try CodecStack(parsing: "length-prefix").wrap(app))
    pair.client.write(try encodeAll(LengthFieldCodec(), ["x"]))
    pair.client.writeEOF()
    pair.run()
    #expect(app.events == [.connectionMade])
    app.transport?.resumeReading()
    pair.run()
    #expect(app.events == [.connectionMade, .data("x"), .eof, .connectionLost(nil)])
  }

  @Test func endOfFileWhileTheLayerHeldFramesKeepsThem() throws {
    let app = RecordingProtocol { recorder, event in
      if event == .data("1") { recorder.transport?.pauseReading() }
    }
    let pair = InMemoryTransport.pair(RecordingProtocol(), try CodecStack(parsing: "line").wrap(app))
    pair.client.write("1\n2\n")
    pair.client.writeEOF()
    pair.run()
    #expect(app.events == [.connectionMade, .data("1")])
    app.transport?.resumeReading()
    pair.run()
    #expect(app.events == [.connectionMade, .data("1"), .data("2"), .eof, .connectionLost(nil)])
  }

  @Test func endOfFileInsideAFrameEndsTheConnectionWithTruncatedFrame() throws {
    let app = RecordingProtocol()
    let client = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, try CodecStack(parsing: "line").wrap(app))
    pair.client.write("whole\npartial")
    pair.client.writeEOF()
    pair.run()
    #expect(
      app.events == [
        .connectionMade, .data("whole"),
        .connectionLost("truncated frame: the stream ended with 7 bytes of an unfinished frame"),
      ])
    #expect(app.lostError as? CodecError == .truncatedFrame(bufferedBytes: 7))
    #expect(client.events == [.connectionMade, .eof, .connectionLost(nil)])
  }

  @Test func aDecodeErrorEndsTheConnectionOnceAndNothingFollows() throws {
    let app = RecordingProtocol()
    let pair = InMemoryTransport.pair(
      RecordingProtocol(), try CodecStack(parsing: "line", maxLineLength: 8).wrap(app), chunkSize: 4)
    pair.client.write("ok\nway too long a line\nnever\n")
    pair.run()
    #expect(app.dataChunks == ["ok"])
    #expect(app.lostError as? CodecError == .lineTooLong(maxLength: 8))
    #expect(app.count(of: .connectionLost(CodecError.lineTooLong(maxLength: 8).description)) == 1)
    #expect(app.violations.isEmpty)
    #expect(pair.server.isClosed)
  }

  @Test func anEncodeErrorEndsTheConnection() throws {
    let app = RecordingProtocol()
    let peer = RecordingProtocol()
    let pair = InMemoryTransport.pair(
      try CodecStack(parsing: "length-prefix", maxFrameLength: 4).wrap(app), peer)
    app.transport?.write("fits")
    app.transport?.write("too long")
    app.transport?.write("late")
    pair.run()
    #expect(app.lostError as? CodecError == .frameTooLarge(length: 8, maxLength: 4))
    #expect(peer.events == [.connectionMade, .eof, .connectionLost(nil)])
  }

  @Test func aDecompressionBombEndsTheConnectionWithBoundedOutput() throws {
    var encoder = ZlibEncoder()
    var bomb = ByteBuffer()
    for _ in 0..<100 {
      try encoder.encode(ByteBuffer(bytes: [UInt8](repeating: 0, count: 1 << 20)), into: &bomb)
    }
    var received = 0
    let app = RecordingProtocol { _, event in
      if case .data(let bytes) = event { received += bytes.readableBytes }
    }
    let pair = InMemoryTransport.pair(
      RecordingProtocol(), try CodecStack(parsing: "zlib").wrap(app), chunkSize: 65_536)
    pair.client.write(bomb)
    pair.run()
    #expect(app.lostError.map { "\($0)".hasPrefix("decompression limit exceeded") } == true)
    #expect(received <= DecompressionLimit.defaultMaxOutputPerBatch)
    #expect(app.count(of: .eof) == 0)
  }

  @Test func corruptCompressedInputEndsTheConnectionThroughEveryLayer() throws {
    let app = MessageRecorder()
    let client = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, try CodecStack(parsing: "zlib,length-prefix").wrap(app))
    pair.client.write("definitely not a zlib stream")
    pair.run()
    #expect(app.messages.isEmpty)
    #expect(
      app.recorder.events == [.connectionMade, .connectionLost("corrupt stream: incorrect header check")])
    #expect(client.events == [.connectionMade, .eof, .connectionLost(nil)])
  }

  @Test(arguments: [ZlibFormat.gzip, .deflate])
  func otherZlibFormatsStackTheSameWay(format: ZlibFormat) throws {
    let stack = try CodecStack(parsing: "zlib,line", zlib: ZlibOptions(format: format, level: 1))
    let client = RecordingProtocol()
    let server = RecordingProtocol { recorder, event in
      if case .data(let line) = event { recorder.transport?.write(line) }
    }
    let pair = InMemoryTransport.pair(stack.wrap(client), stack.wrap(server), chunkSize: 5)
    client.transport?.write(contentsOf: ["first line", "second line"])
    pair.run()
    #expect(server.dataChunks == ["first line", "second line"])
    #expect(client.dataChunks == ["first line", "second line"])
    #expect(client.violations.isEmpty && server.violations.isEmpty)
  }

  @Test func closeInsideAFrameStopsDelivery() throws {
    let app = RecordingProtocol { recorder, event in
      if event == .data("a") {
        recorder.transport?.write("bye")
        recorder.transport?.close()
      }
    }
    let client = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, try CodecStack(parsing: "line").wrap(app))
    pair.client.write("a\nb\nc\n")
    pair.run()
    #expect(app.events == [.connectionMade, .data("a"), .connectionLost(nil)])
    #expect(app.transport?.isClosing == true)
    #expect(client.events == [.connectionMade, .data("bye\n"), .eof, .connectionLost(nil)])
  }

  @Test func abortInsideAFrameDropsWritesAndStopsDelivery() throws {
    let app = RecordingProtocol { recorder, event in
      if event == .data("a") {
        recorder.transport?.write("dropped")
        recorder.transport?.abort()
        recorder.transport?.write("ignored")
      }
    }
    let client = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, try CodecStack(parsing: "line").wrap(app))
    pair.client.write("a\nb\n")
    pair.run()
    #expect(app.events == [.connectionMade, .data("a"), .connectionLost(nil)])
    #expect(client.events == [.connectionMade, .eof, .connectionLost(nil)])
  }

  @Test func writeContentsOfEncodesIntoOneWrite() throws {
    let app = RecordingProtocol()
    let peer = RecordingProtocol()
    let pair = InMemoryTransport.pair(try CodecStack(parsing: "line").wrap(app), peer)
    app.transport?.write(contentsOf: ["a", "b", "c"])
    pair.run()
    #expect(peer.dataChunks == ["a\nb\nc\n"])
  }

  @Test func zlibEndsItsStreamOnWriteEOF() throws {
    let app = RecordingProtocol()
    let peer = RecordingProtocol(keepsOpenOnEOF: true)
    let pair = InMemoryTransport.pair(try CodecStack(parsing: "zlib").wrap(app), peer)
    app.transport?.write("last")
    app.transport?.writeEOF()
    app.transport?.write("ignored")
    #expect(app.transport?.canWriteEOF == true)
    pair.run()
    var decoder = ZlibDecoder()
    var wire = peer.received
    var output = ByteBuffer()
    while let chunk = try decoder.decodeLast(&wire) { output.writeBuffer(chunk) }
    #expect(output == "last")
    var extra: ByteBuffer = "!"
    #expect(
      codecError { try decoder.decode(&extra) } == .corruptStream("1 bytes after the end of the stream"))
    #expect(peer.didReceiveEOF)
  }

  @Test func setProtocolRoutesLaterFrames() throws {
    let first = RecordingProtocol()
    let second = RecordingProtocol()
    let pair = InMemoryTransport.pair(RecordingProtocol(), try CodecStack(parsing: "line").wrap(first))
    pair.client.write("one\n")
    pair.run()
    first.transport?.setProtocol(second)
    #expect(first.transport?.streamProtocol === second)
    pair.client.write("two\n")
    pair.run()
    #expect(first.dataChunks == ["one"])
    #expect(second.dataChunks == ["two"])
  }

  @Test(arguments: [false, true])
  func codecsAreReleasedExactlyOnceWhenTheConnectionEnds(afterError: Bool) throws {
    let releases = ReleaseCounter()
    let app = RecordingProtocol()
    let layer = CodecLayer(
      decoder: CountingCodec(releases: releases), encoder: CountingCodec(releases: releases), upper: app)
    let pair = InMemoryTransport.pair(RecordingProtocol(), layer)
    pair.client.write(afterError ? "far too long a line for the limit\n" : "fine\n")
    pair.run()
    #expect(releases.count == (afterError ? 2 : 0))
    app.transport?.close()
    app.transport?.abort()
    pair.run()
    #expect(releases.count == 2)
    #expect(app.count(of: .connectionLost(nil)) + (app.lostError == nil ? 0 : 1) == 1)
    layer.connectionLost(nil)
    #expect(releases.count == 2)
    #expect(app.violations.isEmpty)
  }
}

/// Counts the releases of the codecs that share it.
private final class ReleaseCounter {
  var count = 0
}

/// A line codec with a short limit that counts its releases.
private struct CountingCodec: FrameDecoder, FrameEncoder {
  let releases: ReleaseCounter
  var line = LineCodec(maxLength: 8)

  mutating func decode(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer? {
    try line.decode(&buffer)
  }
  mutating func encode(_ frame: ByteBuffer, into buffer: inout ByteBuffer) throws(CodecError) {
    try line.encode(frame, into: &buffer)
  }
  mutating func release() { releases.count += 1 }
}

/// Keeps each line as a string, holding none of the received buffers.
private final class LineCollector: StreamProtocol {
  var lines: [String] = []

  func dataReceived(_ data: ByteBuffer) { lines.append(data.string) }
}

@Suite struct CodecLayerBufferedDeliveryTests {
  @Test(arguments: ["line", "zlib", "zlib,line", "length-prefix"])
  func aBufferedProtocolAboveACodecStackReceivesEveryByte(name: String) throws {
    let stack = try CodecStack(parsing: name)
    let frames: [ByteBuffer] = ["first frame", "second", String(repeating: "z", count: 300).utf8Bytes]
    var expected = ByteBuffer()
    for frame in frames { expected.writeBuffer(frame) }
    for chunkSize in [1, 5, nil] {
      let reader = BufferedRecordingProtocol(memorySize: 6)
      let writer = RecordingProtocol()
      let pair = InMemoryTransport.pair(stack.wrap(writer), stack.wrap(reader), chunkSize: chunkSize)
      for frame in frames { writer.transport!.write(frame) }
      writer.transport!.close()
      #expect(pair.run())
      #expect(reader.plainDeliveries == 0)
      #expect(reader.received == expected)
      #expect(reader.recorder.violations.isEmpty)
      #expect(reader.recorder.isLost)
    }
  }
}

extension String {
  fileprivate var utf8Bytes: ByteBuffer { ByteBuffer(string: self) }
}
