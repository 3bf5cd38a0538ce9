import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

@Suite struct LineFramingOverCatTests {
  /// What a ``LineRecorder`` saw, readable from the test's thread.
  final class LineLog: Sendable {
    private let state = Locked<(lines: [String], ends: [String], returnCode: Int32?)>(([], [], nil))

    func line(_ line: String) { state.withLock { $0.lines.append(line) } }
    func end(_ end: String) { state.withLock { $0.ends.append(end) } }
    func exited(_ code: Int32?) { state.withLock { $0.returnCode = code } }

    var lines: [String] { state.withLock { $0.lines } }
    var ends: [String] { state.withLock { $0.ends } }
    var returnCode: Int32? { state.withLock { $0.returnCode } }
  }

  /// Writes every line on connecting, then records the lines handed up and the end.
  final class LineRecorder: MessageProtocol {
    let log: LineLog
    let outgoing: [String]
    var stream: SubprocessStdioStream?

    init(log: LineLog, outgoing: [String]) {
      self.log = log
      self.outgoing = outgoing
    }

    func connectionMade(_ transport: any StreamTransport) {
      for line in outgoing { transport.write(ByteBuffer(string: line)) }
      transport.writeEOF()
    }

    func messageReceived(_ message: ByteBuffer) { log.line(message.string) }

    func eofReceived() -> Bool {
      log.end("eof")
      return false
    }

    func connectionLost(_ error: (any Error)?) {
      log.exited(stream?.process?.returnCode)
      log.end(error.map { "\($0)" } ?? "lost")
      stream = nil
    }
  }

  @Test func linesRoundTripThroughCat() async throws {
    let sent = (0..<10_000).map { "line \($0) " + String(repeating: "x", count: $0 % 97) }
    let log = LineLog()
    try await withLoop { loop in
      try await loop.submit {
        let recorder = LineRecorder(log: log, outgoing: sent)
        let stream = SubprocessStdioStream(
          upper: CodecLayer(decoder: LineCodec(), encoder: LineCodec(), upper: recorder))
        recorder.stream = stream
        _ = try loop.subprocessExec(argv: ["cat"], stderr: .inherit) { stream }
      }
      #expect(await eventually { log.ends.count == 2 })
      #expect(log.lines == sent)
      #expect(log.ends == ["eof", "lost"])
      #expect(log.returnCode == 0)
    }
  }
}

@Suite struct SubprocessBufferedDeliveryTests {
  @Test func aBufferedProtocolOverAChildsStdioReceivesEveryByte() async throws {
    let expected = (1...20_000).map { "\($0)\n" }.joined()
    let received = ProbeLog()
    try await withLoop { loop in
      try await loop.submit {
        _ = try loop.subprocessExec(argv: ["seq", "1", "20000"], stdin: .devNull, stderr: .inherit) {
          SubprocessStdioStream(upper: OwnBufferProtocol(received: received))
        }
      }
      #expect(await eventually { received.byteCount >= expected.utf8.count })
      try? await Task.sleep(for: .milliseconds(20))
      #expect(String(decoding: received.bytes, as: UTF8.self) == expected)
    }
  }
}
