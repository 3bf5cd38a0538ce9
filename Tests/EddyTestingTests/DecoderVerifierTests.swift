import EddyCodecs
import EddyProtocols
import EddyTesting
import Testing

/// The decoder verifier itself: decoders broken on purpose, each in one way, must be reported,
/// and in the feedings that show the bug.
@Suite struct DecoderVerifierTests {
  @Test func aDecoderThatLosesADelimiterSplitAcrossChunksFailsOnlyWhereItIsSplit() {
    let verifier = DecoderVerifier { NewBytesOnlyLineDecoder() }
    let failures = verifier.failures(for: [.init(input: "ab\r\ncd\r\n", expected: ["ab", "cd"])])
    #expect(!failures.isEmpty)
    #expect(!failures.contains { $0.feeding == .whole })
    #expect(failures.contains { $0.feeding == .split(at: 3) })
    #expect(failures.contains { $0.feeding == .byteByByte })
    #expect(!failures.contains { $0.feeding == .split(at: 4) })
    let splitAtThree = failures.first { $0.feeding == .split(at: 3) }
    guard case .unexpectedMessages(let expected, let actual) = splitAtThree?.kind else {
      Issue.record("expected wrong messages, got \(String(describing: splitAtThree))")
      return
    }
    #expect(expected == ["ab", "cd"])
    #expect(actual == ["ab\r\ncd"])
  }

  @Test func aDecoderThatDropsAnUnfinishedHeaderFailsWhenFedPiecemeal() {
    let verifier = DecoderVerifier { HeaderDroppingDecoder() }
    let examples: [DecoderVerifier<HeaderDroppingDecoder>.Example] = [
      .init(input: [2, 0x61, 0x62, 1, 0x63], expected: ["ab", "c"])
    ]
    let failures = verifier.failures(for: examples)
    #expect(!failures.contains { $0.feeding == .whole })
    #expect(
      failures.contains { failure in
        guard failure.feeding == .byteByByte, case .unexpectedMessages = failure.kind else { return false }
        return true
      })
    // Once a header is dropped, the next byte is taken for one, and dropped in turn even with
    // no new input.
    #expect(
      failures.contains { failure in
        guard failure.feeding == .split(at: 1), case .consumedOnRepeatedCall(1, false) = failure.kind else {
          return false
        }
        return true
      })
  }

  @Test func aDecoderThatRepeatsItselfWithoutNewInputIsCaught() {
    let verifier = DecoderVerifier { MemoizingLineDecoder() }
    let failures = verifier.failures(for: [
      .init(input: "one\ntwo", expected: ["one"], ending: .leftover(bytes: 3))
    ])
    let whole = failures.filter { $0.feeding == .whole }.map(\.kind)
    #expect(whole.count == 2)
    #expect(whole.contains { if case .messageOnRepeatedCall("one", false) = $0 { true } else { false } })
    #expect(
      whole.contains { if case .unexpectedMessages(["one"], ["one", "one"]) = $0 { true } else { false } })
  }

  @Test func aDecoderThatEatsBytesOnEveryNilIsCaught() {
    let verifier = DecoderVerifier { SpaceSkippingDecoder() }
    let failures = verifier.failures(for: [.init(input: "  a\n", expected: ["a"])])
    let whole = failures.filter { $0.feeding == .whole }
    #expect(whole.count == 1)
    guard case .consumedOnRepeatedCall(1, false) = whole.first?.kind else {
      Issue.record("expected bytes consumed on a repeated call, got \(whole)")
      return
    }
  }

  @Test func leftoverBytesAreReportedUnlessExpected() {
    let verifier = DecoderVerifier { StringLineDecoder() }
    let unexpected = verifier.failures(for: [.init(input: "a\nbcd", expected: ["a"])])
    #expect(unexpected.count == verifier.feedings(forInputLength: 5).count)
    #expect(
      unexpected.allSatisfy {
        if case .unexpectedEnding(.clean, .leftover(3)) = $0.kind { true } else { false }
      })
    #expect(
      verifier.failures(for: [.init(input: "a\nbcd", expected: ["a"], ending: .leftover(bytes: 3))]).isEmpty)
    #expect(
      !verifier.failures(for: [.init(input: "a\nbcd", expected: ["a"], ending: .leftover(bytes: 2))]).isEmpty)
  }

  @Test func anExpectedFailureMustBeTheOneThrown() {
    let verifier = DecoderVerifier { LineCodec() }
    let truncated = CodecError.truncatedFrame(bufferedBytes: 2)
    #expect(
      verifier.failures(for: [.init(input: "a\nbc", expected: ["a"], ending: .failure(truncated))]).isEmpty)
    let wrong = verifier.failures(
      for: [.init(input: "a\nbc", expected: ["a"], ending: .failure(.truncatedFrame(bufferedBytes: 1)))])
    #expect(wrong.count == verifier.feedings(forInputLength: 4).count)
    let missing = verifier.failures(for: [
      .init(input: "a\nbc\n", expected: ["a", "bc"], ending: .failure(truncated))
    ])
    #expect(missing.allSatisfy { if case .unexpectedEnding(_, .clean) = $0.kind { true } else { false } })
    #expect(!missing.isEmpty)
  }

  @Test func aDecoderThatNeverRunsOutIsStoppedAtTheCallLimit() {
    let verifier = DecoderVerifier(randomFeedings: 0, callLimit: 100) { BottomlessDecoder() }
    let failures = verifier.failures(for: [.init(input: "x", expected: [])])
    #expect(failures.count == 2)
    #expect(failures.allSatisfy { if case .callLimitExceeded(100) = $0.kind { true } else { false } })
  }

  @Test func streamOutputIsComparedJoinedAndMessagesOneByOne() {
    let input: ByteBuffer = "any bytes at all"
    let stream = DecoderVerifier { PassThroughDecoder(decodesMessages: false) }
    #expect(stream.failures(for: [.init(input: input, expected: [input])]).isEmpty)
    #expect(stream.failures(for: [.init(input: input, expected: ["any bytes ", "at all"])]).isEmpty)
    #expect(!stream.failures(for: [.init(input: input, expected: ["any bytes"])]).isEmpty)
    let messages = DecoderVerifier { PassThroughDecoder(decodesMessages: true) }
    let failures = messages.failures(for: [.init(input: input, expected: [input])])
    #expect(!failures.contains { $0.feeding == .whole })
    #expect(failures.contains { $0.feeding == .byteByByte })
  }

  @Test func feedingsCoverTheInputAndAreTheSameForTheSameSeed() {
    let verifier = DecoderVerifier(randomFeedings: 8) { LineCodec() }
    let feedings = verifier.feedings(forInputLength: 40)
    #expect(feedings.count == 2 + 39 + 8)
    #expect(feedings.prefix(3) == [.whole, .byteByByte, .split(at: 1)])
    for feeding in feedings {
      let lengths = feeding.chunkLengths(total: 40)
      #expect(lengths.reduce(0, +) == 40, "\(feeding)")
      #expect(lengths.allSatisfy { $0 > 0 }, "\(feeding)")
    }
    #expect(DecoderVerifier(randomFeedings: 8) { LineCodec() }.feedings(forInputLength: 40) == feedings)
    #expect(
      DecoderVerifier(seed: 7, randomFeedings: 8) { LineCodec() }.feedings(forInputLength: 40) != feedings)
    #expect(verifier.feedings(forInputLength: 40, example: 1) != feedings)
    #expect(feedings.filter(\.movesLeftovers).count == 4)
    #expect(Set(feedings.map { $0.chunkLengths(total: 40).count }).count > 4)
  }

  @Test func anEmptyInputIsFedAsNoChunksAtAll() {
    let verifier = DecoderVerifier(randomFeedings: 2) { LineCodec() }
    let feedings = verifier.feedings(forInputLength: 0)
    #expect(feedings.count == 4)
    #expect(feedings.allSatisfy { $0.chunkLengths(total: 0).isEmpty })
    #expect(verifier.failures(for: [.init(input: "", expected: [])]).isEmpty)
    #expect(verifier.failures(for: [.init(input: "", expected: [""])]).count == 4)
  }

  @Test func aFailureSaysWhichExampleHowItWasFedAndWhatWentWrong() {
    let verifier = DecoderVerifier(randomFeedings: 0) { LineCodec() }
    let failures = verifier.failures(for: [
      .init(input: "a\n", expected: ["a"]), .init(input: "b\n", expected: ["c"]),
    ])
    #expect(failures.count == 3)
    #expect(failures.allSatisfy { $0.example == 1 })
    let description = failures.first { $0.feeding == .split(at: 1) }?.description ?? ""
    #expect(description.hasPrefix("example 1, fed in two chunks split at 1: decoded 1 messages"))
  }
}

/// Looks for `\r\n` only among the bytes that arrived since its last call: a delimiter split
/// across two chunks is never found.
private struct NewBytesOnlyLineDecoder: FrameDecoder {
  private var searched = 0

  mutating func decode(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer? {
    var index = searched
    while index + 1 < buffer.readableBytes {
      if buffer.getByte(at: index) == 0x0D && buffer.getByte(at: index + 1) == 0x0A {
        let line = buffer.readSlice(length: index)
        buffer.moveReaderIndex(forwardBy: 2)
        searched = 0
        return line
      }
      index += 1
    }
    searched = buffer.readableBytes
    return nil
  }
}

/// One length byte, then that many bytes; when the body is not all in yet it consumes the length
/// byte and forgets it.
private struct HeaderDroppingDecoder: FrameDecoder {
  mutating func decode(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer? {
    guard let length = buffer.getByte(at: 0) else { return nil }
    guard buffer.readableBytes > Int(length) else {
      buffer.moveReaderIndex(forwardBy: 1)
      return nil
    }
    buffer.moveReaderIndex(forwardBy: 1)
    return buffer.readSlice(length: Int(length))
  }
}

/// Newline-ended strings, remembering its last answer for a buffer it has seen before: called
/// again with nothing new, it hands up the last line once more.
private struct MemoizingLineDecoder: MessageDecoder {
  private var lastLine: String?
  private var lastSeen = -1

  mutating func decode(_ buffer: inout ByteBuffer) throws(CodecError) -> String? {
    if buffer.readableBytes == lastSeen, let lastLine {
      self.lastLine = nil
      return lastLine
    }
    lastSeen = buffer.readableBytes
    guard let end = buffer.firstIndex(of: 0x0A) else { return nil }
    let line = buffer.readString(length: end)
    buffer.moveReaderIndex(forwardBy: 1)
    lastLine = line
    return line
  }
}

/// Newline-ended lines after leading spaces, skipping one space per call.
private struct SpaceSkippingDecoder: FrameDecoder {
  mutating func decode(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer? {
    if buffer.getByte(at: 0) == 0x20 {
      buffer.moveReaderIndex(forwardBy: 1)
      return nil
    }
    guard let end = buffer.firstIndex(of: 0x0A) else { return nil }
    defer { buffer.moveReaderIndex(forwardBy: 1) }
    return buffer.readSlice(length: end)
  }
}

/// Newline-ended strings, with `decodeLast` left to the default, so an unfinished line stays in
/// the buffer.
private struct StringLineDecoder: MessageDecoder {
  mutating func decode(_ buffer: inout ByteBuffer) throws(CodecError) -> String? {
    guard let end = buffer.firstIndex(of: 0x0A) else { return nil }
    defer { buffer.moveReaderIndex(forwardBy: 1) }
    return buffer.readString(length: end)
  }
}

/// Hands up an empty frame on every call, consuming nothing.
private struct BottomlessDecoder: FrameDecoder {
  mutating func decode(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer? { ByteBuffer() }
}

/// Hands up whatever bytes are buffered, as they are.
private struct PassThroughDecoder: FrameDecoder {
  let decodesMessages: Bool

  mutating func decode(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer? {
    guard !buffer.isEmpty else { return nil }
    return buffer.readSlice(length: buffer.readableBytes)
  }
}
