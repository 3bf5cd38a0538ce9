import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

/// Echoes every message, pausing its reading while its peer does not read (as echo-server does),
/// and records how each connection ended.
final class RecordingEcho: MessageProtocol {
  let endings: Locked<[Result<CodecError?, SystemError>]>
  var transport: (any StreamTransport)?

  init(endings: Locked<[Result<CodecError?, SystemError>]>) { self.endings = endings }

  func connectionMade(_ transport: any StreamTransport) { self.transport = transport }
  func dataReceived(_ data: ByteBuffer) { transport?.write(data) }
  func messageReceived(_ message: ByteBuffer) { transport?.write(message) }
  func pauseWriting() { transport?.pauseReading() }
  func resumeWriting() { transport?.resumeReading() }

  func connectionLost(_ error: (any Error)?) {
    let ending: Result<CodecError?, SystemError> =
      switch error {
      case nil: .success(nil)
      case let codecError as CodecError: .success(codecError)
      default: .failure(error as? SystemError ?? SystemError("connectionLost", errno: -1))
      }
    endings.withLock { $0.append(ending) }
    transport = nil
  }
}

/// One kind of hostile input: the stack it is sent to, the bytes, and the ending it must cause.
struct HostileCase: Sendable, CustomStringConvertible {
  let description: String
  let stack: String
  let bytes: @Sendable () -> [UInt8]
  let expected: @Sendable (CodecError?) -> Bool
}

/// Hostile input over real TCP, each case sent by one raw client while well-behaved clients use
/// the same server: the hostile connection ends with its typed error, memory stays within the
/// limits set, and the other connections get every echo.
@Suite(.serialized) struct HostileInputTests {
  static let maxFrame = 64 * 1024
  static let maxLine = 4096
  static let zlib = ZlibOptions(
    limit: DecompressionLimit(maxRatio: 100, ratioFloor: 1024 * 1024, maxOutputPerBatch: 4 * 1024 * 1024))

  static func compressed(_ parts: [[UInt8]]) -> [UInt8] {
    var encoder = ZlibEncoder()
    var wire = ByteBuffer()
    for part in parts { try! encoder.encode(ByteBuffer(bytes: part), into: &wire) }
    encoder.release()
    return wire.bytes
  }

  /// Deterministic noise.
  static func garbage(_ count: Int) -> [UInt8] {
    var state: UInt32 = 12_345
    return (0..<count).map { _ in
      state = state &* 1_103_515_245 &+ 12_345
      return UInt8(truncatingIfNeeded: state >> 16)
    }
  }

  static let oversizeHeader: [UInt8] = [0xFF, 0xFF, 0xFF, 0xF0] + [UInt8](repeating: 1, count: 100)
  static let endlessLine = [UInt8](repeating: 0x78, count: 1024 * 1024)
  /// 256 MiB of zeros in about 256 KiB.
  static let bomb = compressed(Array(repeating: [UInt8](repeating: 0, count: 1024 * 1024), count: 256))
  static let corruptDeflate: [UInt8] = [0x78, 0x9C] + garbage(4096)

  static let cases: [HostileCase] =
    [
      HostileCase(
        description: "oversize length header", stack: "length-prefix", bytes: { oversizeHeader },
        expected: { $0 == .frameTooLarge(length: 0xFFFF_FFF0, maxLength: maxFrame) }),
      HostileCase(
        description: "compressed oversize length header", stack: "zlib,length-prefix",
        bytes: { compressed([oversizeHeader]) },
        expected: { $0 == .frameTooLarge(length: 0xFFFF_FFF0, maxLength: maxFrame) }),
      HostileCase(
        description: "endless line", stack: "line", bytes: { endlessLine },
        expected: { $0 == .lineTooLong(maxLength: maxLine) }),
      HostileCase(
        description: "compressed endless line", stack: "zlib,line", bytes: { compressed([endlessLine]) },
        expected: { $0 == .lineTooLong(maxLength: maxLine) }),
      HostileCase(
        description: "zlib bomb", stack: "zlib", bytes: { bomb },
        expected: { if case .decompressionLimit = $0 { true } else { false } }),
      HostileCase(
        description: "zlib bomb of one endless line", stack: "zlib,line", bytes: { bomb },
        expected: {
          if case .decompressionLimit = $0 { return true }
          return $0 == .lineTooLong(maxLength: maxLine)
        }),
      HostileCase(
        description: "corrupt deflate", stack: "zlib", bytes: { corruptDeflate },
        expected: { if case .corruptStream = $0 { true } else { false } }),
      HostileCase(
        description: "corrupt deflate under frames", stack: "zlib,length-prefix", bytes: { corruptDeflate },
        expected: { if case .corruptStream = $0 { true } else { false } }),
    ]
    + CodecStack.validNames.map { name in
      HostileCase(
        description: "garbage on \(name)", stack: name, bytes: { garbage(64 * 1024) },
        // Noise may happen to frame (raw always does); whatever it does, it is a codec's ending.
        expected: { _ in true })
    }

  @Test(arguments: cases)
  func hostileInputEndsOnlyItsOwnConnection(_ hostile: HostileCase) async throws {
    let stack = try CodecStack(
      parsing: hostile.stack, maxFrameLength: Self.maxFrame, maxLineLength: Self.maxLine, zlib: Self.zlib)
    let payload = hostile.bytes()
    let group = try EventLoopGroup(loops: 2, name: "hostile")
    defer { group.shutdown() }
    let endings = Locked<[Result<CodecError?, SystemError>]>([])
    let server = try group.createServer(host: "127.0.0.1", port: 0) {
      stack.wrap(RecordingEcho(endings: endings))
    }
    let port = server.port!
    let residentBefore = residentBytes()
    try await withLoop { loop in
      let goodLogs = (0..<3).map { _ in ProbeLog() }
      let messages = (0..<200).map { index in
        ByteBuffer(
          bytes: [UInt8](repeating: UInt8(ascii: "a") + UInt8(index % 26), count: index * 13 % 900 + 1))
      }
      let framed = hostile.stack.contains("line") || hostile.stack.contains("length-prefix")
      let total = messages.reduce(0) { $0 + $1.readableBytes }
      for log in goodLogs {
        try await connect(loop, to: server.addresses[0]) {
          if framed { return stack.wrap(MessageCollector(log: log, messages: messages)) }
          // An unframed stack echoes a byte stream: count the bytes.
          let probe = Probe(log: log)
          probe.onMade = { probe in probe.transport!.write(contentsOf: messages) }
          probe.onData = { probe, _ in if log.byteCount == total { probe.transport!.close() } }
          return stack.wrap(probe)
        }
      }
      let attacker = try #require(RawSocket(connectingTo: server.addresses[0]))
      attacker.send(payload)
      attacker.shutdownWrite()
      _ = await attacker.receiveAll()

      #expect(await eventually(within: 30) { goodLogs.allSatisfy(\.isLost) })
      for log in goodLogs {
        let sizes = log.events.compactMap { if case .data(let count) = $0 { count } else { nil } }
        if framed {
          #expect(sizes == messages.map(\.readableBytes))
        } else {
          #expect(log.bytes == messages.flatMap(\.bytes))
        }
        #expect(log.losses == [.lost(nil)])
      }
    }
    #expect(await eventually { server.connectionCount == 0 })
    let all = endings.withLock { $0 }
    #expect(all.count == 4)
    // The three good connections ended cleanly; the hostile one with the error it deserved.
    let clean = all.filter { if case .success(nil) = $0 { true } else { false } }
    #expect(clean.count >= 3)
    let hostileEnding = all.first { if case .success(nil) = $0 { false } else { true } } ?? .success(nil)
    switch hostileEnding {
    case .success(let error): #expect(hostile.expected(error), "ended with \(String(describing: error))")
    case .failure(let error): Issue.record("ended with \(error), not a codec error")
    }
    // Nothing buffered the bomb or the endless line: far less than they would take.
    #expect(residentBytes() - residentBefore < 128 * 1024 * 1024)
    server.close()
    await server.waitClosed()
    #expect(serverSockets(port: port) == 0)
  }
}
