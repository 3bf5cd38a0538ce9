import EddyCodecs
import EddyProtocols
import EddyTesting

/// Runs the `zlib,line` and `zlib,length-prefix` stacks over an in-memory connection: a raw peer
/// sends arbitrary bytes to an echoing stack, or a stacked peer sends messages taken from the
/// input and must get each one back. The contract must hold on both ends (connectionMade and
/// connectionLost exactly once, nothing in between out of order), a failure must end the
/// connection with a ``CodecError``, and a paused reader must lose nothing.
enum CodecStackFuzz {
  private static let chunkSizes: [Int?] = [1, 3, 64, nil]

  static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
    let roundTrip = input.bool()
    let framing = input.bool() ? "zlib,line" : "zlib,length-prefix"
    let stack: CodecStack
    do {
      stack = try CodecStack(
        parsing: framing, maxFrameLength: 1000, maxLineLength: 1000,
        zlib: ZlibOptions(
          limit: DecompressionLimit(maxRatio: 64, ratioFloor: 4096, maxOutputPerBatch: 65_536)))
    } catch {
      throw FuzzFailure("\(error)")
    }
    let chunkSize = chunkSizes[Int(input.byte()) % chunkSizes.count]
    let pausesServer = input.bool()
    let server = MessageLog(echoes: true, pausesAfterEachMessage: pausesServer)
    if roundTrip {
      var messages: [ByteBuffer] = []
      for _ in 0..<Int(input.byte() % 16) {
        var bytes = input.bytes(count: input.int(in: 0...400))
        if framing == "zlib,line" { bytes = bytes.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 } }
        messages.append(ByteBuffer(bytes: bytes))
      }
      let client = MessageLog(echoes: false, pausesAfterEachMessage: false)
      client.closesAfter = messages.count
      let pair = InMemoryTransport.pair(stack.wrap(client), stack.wrap(server), chunkSize: chunkSize)
      client.transport?.write(contentsOf: messages)
      if messages.isEmpty { client.transport?.close() }
      try pump(pair, server: server)
      try server.checkContract(named: "server")
      try client.checkContract(named: "client")
      // The client closes on its last echo; bytes of the server's that were still on their way
      // then meet a closed peer, which resets the server's end, as over TCP.
      let serverReset = server.error as? InMemoryTransportError == .connectionReset
      try require(client.error == nil, "the client failed: \(String(describing: client.error))")
      try require(
        server.error == nil || serverReset, "the server failed: \(String(describing: server.error))")
      try require(
        server.messages == messages, "the server got \(server.messages.count) of \(messages.count) messages")
      try require(
        client.messages == messages, "the client got \(client.messages.count) echoes of \(messages.count)")
    } else {
      let client = MessageLog(echoes: false, pausesAfterEachMessage: false, receivesBytes: true)
      let pair = InMemoryTransport.pair(client, stack.wrap(server), chunkSize: chunkSize)
      let endsWithEOF = input.bool()
      var chunker = FuzzInput([input.byte()])
      for chunk in chunker.chunks(of: input.rest()) { pair.client.write(ByteBuffer(bytes: chunk)) }
      if endsWithEOF { pair.client.writeEOF() }
      try pump(pair, server: server)
      try client.checkContract(named: "raw client")
      try server.checkContract(named: "server")
      if let error = server.error {
        try require(error is CodecError, "the server ended with \(error), not a codec error")
      }
      if endsWithEOF || server.error != nil {
        try require(server.isLost, "the server's connection did not end")
      }
      // A connection left open ends by an abort; then nothing of it may stay alive.
      pair.client.abort()
      try pump(pair, server: server)
      try require(server.isLost && client.isLost, "an aborted connection did not end")
    }
  }

  /// Runs the pair until quiet, resuming a server that paused itself, within a step budget.
  private static func pump(_ pair: InMemoryTransport.Pair, server: MessageLog) throws(FuzzFailure) {
    for _ in 0..<10_000 {
      try require(pair.run(maxSteps: 100_000), "the pair never went quiet")
      guard server.isPaused, !server.isLost else { return }
      server.isPaused = false
      server.transport?.resumeReading()
    }
    throw FuzzFailure("the server kept pausing")
  }
}

/// The protocol on top of a stack, or a raw peer: records messages (or received bytes) and checks
/// the callback order, optionally echoing each message, pausing after each one, or closing after
/// a number of messages. It lets go of its transport when the connection ends, as a protocol
/// must for the connection's objects to be freed.
final class MessageLog: MessageProtocol {
  private let echoes: Bool
  private let receivesBytes: Bool
  private let pausesAfterEachMessage: Bool
  /// Close after this many messages.
  var closesAfter: Int?
  private(set) var transport: (any StreamTransport)?
  private(set) var messages: [ByteBuffer] = []
  private(set) var violations: [String] = []
  private(set) var error: (any Error)?
  private(set) var isLost = false
  private var made = 0
  private var eof = false
  /// True after this protocol paused its own reading.
  var isPaused = false

  init(echoes: Bool, pausesAfterEachMessage: Bool, receivesBytes: Bool = false) {
    self.echoes = echoes
    self.pausesAfterEachMessage = pausesAfterEachMessage
    self.receivesBytes = receivesBytes
  }

  func connectionMade(_ transport: any StreamTransport) {
    made += 1
    self.transport = transport
  }

  func messageReceived(_ message: ByteBuffer) {
    if made != 1 || isLost || eof { violations.append("a message outside the connection") }
    if isPaused { violations.append("a message while reading was paused") }
    messages.append(message)
    if echoes { transport?.write(message) }
    if pausesAfterEachMessage {
      isPaused = true
      transport?.pauseReading()
    }
    if let closesAfter, messages.count == closesAfter { transport?.close() }
  }

  func dataReceived(_ data: ByteBuffer) {
    if !receivesBytes || data.isEmpty || made != 1 || isLost || eof {
      violations.append("dataReceived on a message protocol, empty or outside the connection")
    }
    messages.append(data)
  }

  func eofReceived() -> Bool {
    if eof || isLost { violations.append("eofReceived twice or after connectionLost") }
    eof = true
    return false
  }

  func connectionLost(_ error: (any Error)?) {
    if made != 1 || isLost { violations.append("connectionLost twice or without connectionMade") }
    isLost = true
    self.error = error
    transport = nil
  }

  func checkContract(named name: String) throws(FuzzFailure) {
    try require(violations.isEmpty, "\(name): \(violations)")
    try require(made == 1, "\(name): connectionMade \(made) times")
  }
}
