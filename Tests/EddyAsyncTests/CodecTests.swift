import EddyAsync
import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

/// An async connection over a codec stack: its elements are frames.
@Suite struct CodecTests {
  static let lines = AsyncConnectionConfiguration(layers: CodecStack(layers: [.line(LineCodec())]).wrap)

  /// Writes `messages` as frames of `stackName` to an echo server and returns the frames that
  /// came back.
  private func echoed(_ messages: [String], over stackName: String) async throws -> [String] {
    let configuration = AsyncConnectionConfiguration(layers: try CodecStack(parsing: stackName).wrap)
    return try await withGroup(loops: 2) { group in
      let server = try await group.loops[0].listen(host: "127.0.0.1", port: 0, configuration: configuration)
      let serving = Task { try await server.serve(echo) }
      let connection = try await group.loops[1].connect(
        host: "127.0.0.1", port: server.port!, configuration: configuration)
      for message in messages { try await connection.write(ByteBuffer(string: message)) }
      connection.writeEOF()
      var echoed: [String] = []
      for try await frame in connection.inbound { echoed.append(frame.string) }
      server.close()
      try await serving.value
      return echoed
    }
  }

  /// Each line is one element, whatever the chunking on the wire; each write is one line.
  @Test(arguments: ["line", "zlib,line", "length-prefix", "zlib,length-prefix"])
  func framesComeAndGoWhole(stackName: String) async throws {
    let messages = (0..<500).map { "message \($0) " + String(repeating: "x", count: $0 % 97) }
    #expect(try await echoed(messages, over: stackName) == messages)
  }

  /// Zero-length frames (an empty line) are elements of the sequence too, in their place.
  @Test(arguments: ["line", "zlib,line", "length-prefix"])
  func zeroLengthFramesArriveAsEmptyElements(stackName: String) async throws {
    let messages = ["a", "", "", "b", ""]
    #expect(try await echoed(messages, over: stackName) == messages)
  }

  /// Under a codec an empty write is an empty frame, and goes out as one.
  @Test func anEmptyWriteIsAnEmptyFrame() async throws {
    try await withGroup(loops: 2) { group in
      let server = try await group.loops[0].listen(host: "127.0.0.1", port: 0, configuration: Self.lines)
      let serving = Task {
        try await server.serve { connection in
          try await connection.write(ByteBuffer())
          try await connection.write("x")
        }
      }
      let raw = try await group.loops[1].connect(host: "127.0.0.1", port: server.port!)
      var received = ""
      for try await chunk in raw.inbound { received += chunk.string }
      #expect(received == "\nx\n")
      server.close()
      try await serving.value
    }
  }

  /// A codec error ends the sequence by throwing it, after the frames decoded before it.
  @Test func aCodecErrorEndsTheSequenceWithIt() async throws {
    try await withGroup(loops: 2) { group in
      let peer = try group.loops[0].createServer(host: "127.0.0.1", port: 0) { LineSender() }
      defer { peer.close() }
      let limited = AsyncConnectionConfiguration(
        layers: CodecStack(layers: [.line(LineCodec(maxLength: 16))]).wrap)
      let connection = try await group.loops[1].connect(
        host: "127.0.0.1", port: peer.port!, configuration: limited)
      var iterator = connection.inbound.makeAsyncIterator()
      #expect(try await iterator.next()?.string == "short")
      await #expect(throws: CodecError.lineTooLong(maxLength: 16)) { _ = try await iterator.next() }
      #expect(try await iterator.next() == nil)
    }
  }

  /// Counted in elements over a line codec, the bound holds in frames: a slow consumer of
  /// many small lines never has more than the high mark waiting.
  @Test func elementLimitsCountFrames() async throws {
    try await withGroup(loops: 2) { group in
      let count = 20_000
      let peer = try group.loops[0].createServer(host: "127.0.0.1", port: 0) { LineSender(count: count) }
      defer { peer.close() }
      var configuration = Self.lines
      configuration.inboundLimits = .elements(high: 8, low: 2)
      let connection = try await group.loops[1].connect(
        host: "127.0.0.1", port: peer.port!, configuration: configuration)
      var next = 0
      var inOrder = true
      var iterator = connection.inbound.makeAsyncIterator()
      #expect(try await iterator.next()?.string == "short")
      while let frame = try await iterator.next() {
        inOrder = inOrder && frame.string == "\(next)"
        next += 1
        if next < 200 { try await Task.sleep(for: .milliseconds(1)) }
      }
      #expect(next == count)
      #expect(inOrder)
      #expect(connection.statistics.peakInboundElements <= 8)
      #expect(connection.statistics.readPauses > 0)
    }
  }
}

/// Sends the line `short`, then either `count` numbered lines and closes, or (without a count)
/// one line too long for a 16-byte limit.
final class LineSender: StreamProtocol {
  private let count: Int?

  init(count: Int? = nil) { self.count = count }

  func connectionMade(_ transport: any StreamTransport) {
    var out = ByteBuffer(string: "short\n")
    if let count {
      for index in 0..<count { out.writeString("\(index)\n") }
      transport.write(out)
      transport.close()
    } else {
      out.writeString(String(repeating: "y", count: 100) + "\n")
      transport.write(out)
    }
  }
}
