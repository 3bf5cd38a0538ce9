import EddyCodecs
import EddyProtocols
import EddyTesting
import Testing

/// A typed codec of the kind a user writes: each message is a big-endian `UInt16`, and 0xFFFF
/// is refused with an error type of its own.
struct NumberCodec: MessageDecoder, MessageEncoder {
  struct Refused: Error, Equatable {
    let value: UInt16
  }

  mutating func decode(_ buffer: inout ByteBuffer) throws(Refused) -> UInt16? {
    guard let value = buffer.getInteger(at: 0, as: UInt16.self) else { return nil }
    guard value != 0xFFFF else { throw Refused(value: value) }
    buffer.moveReaderIndex(forwardBy: 2)
    return value
  }

  mutating func encode(_ message: UInt16, into buffer: inout ByteBuffer) throws(Refused) {
    buffer.writeInteger(message)
  }
}

/// Receives numbers, answers each with its double, and answers a refused input with 0.
final class Doubler: MessageStreamProtocol {
  private(set) var received: [UInt16] = []
  private(set) var failures: [NumberCodec.Refused] = []
  private(set) var lost: [String] = []
  private(set) var madeCount = 0
  var transport: (any MessageStreamTransport<UInt16>)?

  func connectionMade(_ transport: any MessageStreamTransport<UInt16>) {
    madeCount += 1
    self.transport = transport
  }

  func messageReceived(_ message: UInt16) {
    received.append(message)
    transport?.write(message &* 2)
  }

  func decodeFailed(_ error: any Error) {
    if let refused = error as? NumberCodec.Refused { failures.append(refused) }
    transport?.write(0)
  }

  func connectionLost(_ error: (any Error)?) {
    lost.append(error.map { "\($0)" } ?? "nil")
    transport = nil
  }
}

@Suite struct TypedCodecTests {
  private func wire(_ numbers: [UInt16]) -> ByteBuffer {
    var buffer = ByteBuffer()
    for number in numbers { buffer.writeInteger(number) }
    return buffer
  }

  @Test func aProtocolOfTypedMessagesReceivesAndWritesValuesAtEveryChunking() {
    for chunkSize in [1, 3, nil] {
      let server = Doubler()
      let client = RecordingProtocol()
      let pair = InMemoryTransport.pair(
        client, CodecLayer(codec: NumberCodec(), handler: server), chunkSize: chunkSize)
      pair.client.write(wire([1, 2, 300, 4000]))
      pair.client.writeEOF()
      #expect(pair.run())
      #expect(server.madeCount == 1)
      #expect(server.received == [1, 2, 300, 4000])
      #expect(client.received == wire([2, 4, 600, 8000]))
      #expect(server.lost == ["nil"])
      #expect(client.violations.isEmpty)
    }
  }

  @Test func aDecodeErrorOfTheCodecsOwnTypeIsToldFirstAndTheLastReplyArrivesBeforeTheEnd() {
    let server = Doubler()
    let client = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, CodecLayer(codec: NumberCodec(), handler: server))
    pair.client.write(wire([7, 0xFFFF, 9]))
    #expect(pair.run())
    #expect(server.received == [7])
    #expect(server.failures == [NumberCodec.Refused(value: 0xFFFF)])
    // The double of 7, then the reply written from decodeFailed, then the end.
    #expect(client.received == wire([14, 0]))
    #expect(client.didReceiveEOF)
    #expect(server.lost == ["\(NumberCodec.Refused(value: 0xFFFF))"])
  }

  @Test func bytesLeftAtTheEndOfTheStreamAreATruncatedFrameForAnyDecoder() {
    let server = Doubler()
    let client = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, CodecLayer(codec: NumberCodec(), handler: server))
    var bytes = wire([5])
    bytes.writeInteger(UInt8(1))
    pair.client.write(bytes)
    pair.client.writeEOF()
    #expect(pair.run())
    #expect(server.received == [5])
    #expect(server.lost == ["\(CodecError.truncatedFrame(bufferedBytes: 1))"])
    #expect(client.received == wire([10, 0]))
  }

  @Test func aMessageProtocolAnswersALineTooLongBeforeTheConnectionCloses() throws {
    final class Answering: MessageProtocol {
      var transport: (any StreamTransport)?
      var failures: [String] = []
      var lostError: String?
      func connectionMade(_ transport: any StreamTransport) { self.transport = transport }
      func messageReceived(_ message: ByteBuffer) { transport?.write(message) }
      func decodeFailed(_ error: any Error) {
        failures.append("\(error)")
        transport?.write(ByteBuffer(string: "ERR \(error)"))
      }
      func connectionLost(_ error: (any Error)?) { lostError = error.map { "\($0)" } }
    }
    let server = Answering()
    let client = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, CodecLayer(codec: LineCodec(maxLength: 8), upper: server))
    pair.client.write(ByteBuffer(string: "short\n" + String(repeating: "x", count: 20) + "\nnever\n"))
    #expect(pair.run())
    let tooLong = CodecError.lineTooLong(maxLength: 8)
    #expect(server.failures == ["\(tooLong)"])
    #expect(client.receivedString == "short\nERR \(tooLong)\n")
    #expect(client.didReceiveEOF)
    #expect(server.lostError == "\(tooLong)")
  }
}
