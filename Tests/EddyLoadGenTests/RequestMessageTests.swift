import EddyProtocols
import Testing

@testable import EddyLoadGen

/// Request mode's pure parts: message texts and templates, the message mix, where replies end.
@Suite struct RequestMessageTests {
  // MARK: Texts and templates

  @Test func escapesBecomeTheBytesTheyName() throws {
    #expect(
      try LoadText.bytes(#"a\r\n\t\\\x00\xfF{"#, option: "expect") == Array("a\r\n\t\\".utf8) + [
        0, 0xFF, 0x7B,
      ])
  }

  @Test(arguments: [
    (#"a\q"#, "--message: unknown escape \\q"),
    (#"a\"#, "--message: a value cannot end with a lone backslash"),
    (#"\x4"#, "--message: \\x must be followed by two hexadecimal digits"),
    ("get {key}", "--message: unknown template {key}"),
    ("get {rand:5-1}", "--message: {rand:5-1}: expected {rand:LO-HI} with 0 <= LO <= HI"),
    ("get {rand:1}", "--message: {rand:1}: expected"),
    ("get {conn", "--message: a template '{' is never closed"),
    ("", "--message: a message must not be empty"),
  ])
  func badMessagesAreRefusedWithTheReason(text: String, reason: String) {
    #expect {
      _ = try LoadMessage(parsing: text)
    } throws: { error in
      "\(error)".hasPrefix(reason)
    }
  }

  @Test func templatesAreParsedAndLiteralBracesKept() throws {
    let message = try LoadMessage(parsing: #"set {{k}:{conn}:{seq}:{rand:10-20}\r\n"#)
    #expect(
      message.parts == [
        .bytes(Array("set {k}:".utf8)), .connection, .bytes([UInt8(ascii: ":")]), .sequence,
        .bytes([UInt8(ascii: ":")]), .random(10...20), .bytes(Array("\r\n".utf8)),
      ])
    #expect(message.literal == nil)
    #expect(try LoadMessage(parsing: "PING").literal == Array("PING".utf8))
  }

  @Test func aSourceExpandsTemplatesPerMessage() throws {
    let mix = MessageMix(messages: [try LoadMessage(parsing: "k{conn}-{seq}-{rand:7-9}")])
    var source = MessageSource(mix: mix, connection: 3, seed: 1)
    for sequence in 0..<50 {
      let text = source.next().string
      let fields = text.dropFirst().split(separator: "-")
      #expect(fields.count == 3 && fields[0] == "3" && fields[1] == "\(sequence)", "\(text)")
      #expect((7...9).contains(Int(fields[2]) ?? -1), "\(text)")
    }
  }

  @Test func aSourceTakesMessagesInTurnWithoutRatio() throws {
    let mix = MessageMix(messages: ["a", "b", "c"].map { LoadMessage(bytes: Array($0.utf8)) })
    var source = MessageSource(mix: mix, connection: 0, seed: 1)
    #expect((0..<7).map { _ in source.next().string } == ["a", "b", "c", "a", "b", "c", "a"])
  }

  @Test func aSourceFollowsTheWeights() throws {
    let mix = MessageMix(
      messages: ["get", "set"].map { LoadMessage(bytes: Array($0.utf8)) }, weights: [9, 1])
    var source = MessageSource(mix: mix, connection: 0, seed: 42)
    let sets = (0..<10_000).filter { _ in source.next().string == "set" }.count
    #expect((800...1200).contains(sets), "\(sets) sets of 10000")
  }

  @Test func weightsMustBeOnePositiveIntegerPerMessage() {
    #expect(throws: LoadConfigurationError.self) { try MessageMix.weights(parsing: "1:0", messageCount: 2) }
    #expect(throws: LoadConfigurationError.self) { try MessageMix.weights(parsing: "1:2", messageCount: 1) }
    #expect(throws: LoadConfigurationError.self) { try MessageMix.weights(parsing: "x", messageCount: 1) }
    let weights = try? MessageMix.weights(parsing: "9:1", messageCount: 2)
    #expect(weights == [9, 1])
  }

  // MARK: Where replies end

  /// Feeds `stream` to a byte-stream assembler in chunks of every size from 1 to the whole,
  /// and returns the outcomes, which must not depend on the chunking.
  private func replies(of stream: String, rule: ReplyRule, expectation: ReplyExpectation? = nil) -> [Bool] {
    let bytes = Array(stream.utf8)
    var outcomes: [[Bool]] = []
    for size in 1...max(1, bytes.count) {
      var assembler = ReplyAssembler(rule: rule, expectation: expectation)
      var seen: [Bool] = []
      var offset = 0
      while offset < bytes.count {
        let chunk = ByteBuffer(bytes: bytes[offset..<min(offset + size, bytes.count)])
        assembler.take(bytes: chunk) { seen.append($0) }
        offset += size
      }
      outcomes.append(seen)
    }
    #expect(Set(outcomes).count == 1, "the chunking changed the outcome: \(outcomes)")
    return outcomes[0]
  }

  @Test func aTerminatorEndsEachReplyWhateverTheChunking() {
    #expect(replies(of: "+PONG\r\n+PONG\r\n:12\r\n", rule: .until([Array("\r\n".utf8)])).count == 3)
    // Overlapping prefixes: "aab" found in "aaab" (the matcher falls back, it does not restart).
    #expect(replies(of: "aaabxaab", rule: .until([Array("aab".utf8)])).count == 2)
    // Any of several terminators; each reply ends at the first one.
    let memcached = "VALUE k 0 1\r\nv\r\nEND\r\nSTORED\r\nEND\r\n"
    #expect(
      replies(of: memcached, rule: .until([Array("END\r\n".utf8), Array("STORED\r\n".utf8)])).count == 3)
  }

  @Test func aByteCountEndsEachReplyWhateverTheChunking() {
    #expect(replies(of: "+PONG\r\n+PONG\r\n+PONG", rule: .bytes(7)).count == 2)
  }

  @Test func expectationsJudgeEveryReply() {
    let crlf = ReplyRule.until([Array("\r\n".utf8)])
    #expect(
      replies(of: "+PONG\r\n+PANG\r\n+PONGS\r\n", rule: crlf, expectation: .equal(Array("+PONG\r\n".utf8)))
        == [true, false, false])
    #expect(
      replies(of: ":1\r\n:22\r\n-ERR\r\n", rule: crlf, expectation: .prefix(Array(":".utf8))) == [
        true, true, false,
      ])
    #expect(
      replies(of: "+PONG\r\n+PANG\r\n", rule: .bytes(7), expectation: .prefix(Array("+PO".utf8))) == [
        true, false,
      ])
    // A reply shorter than the prefix does not match it.
    #expect(replies(of: "+\r\n", rule: crlf, expectation: .prefix(Array("+OK".utf8))) == [false])
  }

  @Test func framesMakeRepliesByCountOrTerminator() {
    func frames(_ texts: [String], rule: ReplyRule, expectation: ReplyExpectation? = nil) -> [Bool?] {
      var assembler = ReplyAssembler(rule: rule, expectation: expectation)
      return texts.map { assembler.take(frame: ByteBuffer(string: $0)) }
    }
    #expect(frames(["$1", "v", "$1", "w"], rule: .frames(2)) == [nil, true, nil, true])
    let endings = ReplyRule.until([Array("END".utf8), Array("STORED".utf8)])
    #expect(
      frames(
        ["VALUE k 0 1", "v", "END", "STORED", "END"], rule: endings, expectation: .prefix(Array("VALUE".utf8))
      )
        == [nil, nil, true, false, false])
    #expect(
      frames(["+OK", "+OKAY"], rule: .frames(1), expectation: .equal(Array("+OK".utf8))) == [true, false])
  }
}
