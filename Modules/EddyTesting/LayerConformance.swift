import EddyProtocols

/// The stream contract checked through a layer: a conformance suite any layer (a codec, TLS, a
/// user's own) runs against itself over in-memory transport pairs.
///
/// A layer is described by a ``Subject``: how to build it over a protocol on each end of a
/// connection. Each check builds a fresh pair, drives it with ``RecordingProtocol``s above the
/// layers, and reports every way the layer broke the contract as a sentence naming the check:
///
/// - `exchange`: messages written above one end arrive above the other, in order, whole, with
///   every byte delivered and none after end-of-file; both ends get `connectionMade` and
///   `connectionLost` exactly once. Run with the wire cut into pieces of every size from one
///   byte up to the whole exchange, so every byte boundary falls inside a piece.
/// - `pause-reading`: reading paused from `connectionMade` holds every delivery until
///   `resumeReading`, after which everything arrives.
/// - `water-marks`: with small marks and the peer not reading, writes past the high mark give
///   exactly one `pauseWriting`, and draining gives exactly one `resumeWriting`.
/// - `close-inside-data`: `close` from inside the first delivery stops deliveries at once, and
///   the connection ends once on both sides.
/// - `abort`: `abort` ends the connection once on both sides, with no callback after
///   `connectionLost`.
/// - `buffered`: a ``/EddyProtocols/BufferedStreamProtocol`` above the layer gets every byte in
///   its own memory and never `dataReceived`.
///
/// ```swift
/// let subject = LayerConformance.Subject(name: "line") { CodecLayer(codec: LineCodec(), upper: $0) }
/// #expect(LayerConformance.failures(of: subject).isEmpty)
/// ```
public enum LayerConformance {
  /// A layer under test.
  public struct Subject {
    /// A name for the reports.
    public let name: String
    /// Builds the layer (or stack of layers) of the first end over the protocol given.
    public let client: (any StreamProtocol) -> any StreamProtocol
    /// Builds the layer of the second end over the protocol given.
    public let server: (any StreamProtocol) -> any StreamProtocol
    /// The messages the checks write, each one write above the layer; a framing layer must hand
    /// each up whole, so they must be frames it can carry.
    public let messages: [ByteBuffer]
    /// True when the layer hands each message up as one delivery (a framing layer); false when it
    /// may join or split them (a stream transformation such as TLS or compression).
    public let preservesMessageBoundaries: Bool

    /// Describes a layer.
    ///
    /// - Parameters:
    ///   - name: A name for the reports.
    ///   - client: Builds the first end's layer over a protocol.
    ///   - server: Builds the second end's layer; the first end's builder by default.
    ///   - messages: What the checks write; short messages without line breaks by default, so
    ///     that every framing layer can carry them.
    ///   - preservesMessageBoundaries: Whether each message arrives as one delivery.
    public init(
      name: String,
      client: @escaping (any StreamProtocol) -> any StreamProtocol,
      server: ((any StreamProtocol) -> any StreamProtocol)? = nil,
      messages: [ByteBuffer] = ["first", "a second, longer message", "3", "the last one"],
      preservesMessageBoundaries: Bool = true
    ) {
      self.name = name
      self.client = client
      self.server = server ?? client
      self.messages = messages
      self.preservesMessageBoundaries = preservesMessageBoundaries
    }
  }

  /// Runs every check and returns the failures, each a sentence naming the check; empty when
  /// the layer keeps the contract.
  public static func failures(of subject: Subject) -> [String] {
    var failures: [String] = []
    for chunkSize in chunkSizes(for: subject) {
      failures += exchange(subject, chunkSize: chunkSize)
    }
    failures += pauseReading(subject)
    failures += waterMarks(subject)
    failures += closeInsideData(subject)
    failures += abort(subject)
    failures += buffered(subject)
    return failures.map { "\(subject.name): \($0)" }
  }

  /// Every piece size from one byte to the whole exchange's wire bytes (capped, so a large
  /// handshake does not make the check quadratic), and whole writes.
  private static func chunkSizes(for subject: Subject) -> [Int?] {
    let probe = Connection(subject, chunkSize: nil)
    probe.exchange()
    let wireBytes = min(probe.bytesOnTheWire, 512)
    return Array(1...max(1, wireBytes)).map { Optional($0) } + [nil]
  }

  private static func exchange(_ subject: Subject, chunkSize: Int?) -> [String] {
    let connection = Connection(subject, chunkSize: chunkSize)
    connection.exchange()
    var failures = connection.contractViolations
    let piece = chunkSize.map { "pieces of \($0) bytes" } ?? "whole writes"
    if connection.server.received != joined(subject.messages) {
      failures.append(
        "exchange in \(piece): the server received \(connection.server.received.readableBytes) bytes, not the \(joined(subject.messages).readableBytes) written"
      )
    }
    if connection.client.received != joined(subject.messages) {
      failures.append(
        "exchange in \(piece): the client got \(connection.client.received.readableBytes) bytes back, not \(joined(subject.messages).readableBytes)"
      )
    }
    if subject.preservesMessageBoundaries && connection.server.dataChunks != subject.messages {
      failures.append("exchange in \(piece): messages were not handed up one per delivery")
    }
    if !connection.server.isLost || !connection.client.isLost {
      failures.append("exchange in \(piece): the connection did not end on both sides")
    }
    return failures
  }

  private static func pauseReading(_ subject: Subject) -> [String] {
    let connection = Connection(subject, chunkSize: 3, serverPausesFromConnectionMade: true)
    connection.clientWritesMessages()
    var failures: [String] = []
    if !connection.server.dataChunks.isEmpty {
      failures.append("pause-reading: data arrived while reading was paused from connectionMade")
    }
    connection.server.transport?.resumeReading()
    connection.run()
    if connection.server.received != joined(subject.messages) {
      failures.append(
        "pause-reading: after resumeReading \(connection.server.received.readableBytes) of \(joined(subject.messages).readableBytes) bytes arrived"
      )
    }
    return failures + connection.contractViolations.map { "pause-reading: \($0)" }
  }

  private static func waterMarks(_ subject: Subject) -> [String] {
    let connection = Connection(subject, chunkSize: nil)
    connection.run()
    guard let transport = connection.client.transport else {
      return ["water-marks: the client never connected"]
    }
    transport.setWriteBufferLimits(high: 64, low: 16)
    connection.pair.client.holdsWrites = true
    // Bytes that do not compress, so a compressing layer fills the buffers below as fast.
    var seed: UInt32 = 0x9E37_79B9
    var written = 0
    while !connection.client.isWritingPaused && written < 4_000_000 {
      let noise = (0..<50).map { _ -> UInt8 in
        seed = seed &* 1_664_525 &+ 1_013_904_223
        return UInt8(truncatingIfNeeded: seed >> 24)
      }
      transport.write(ByteBuffer(bytes: noise))
      written += 50
    }
    var failures: [String] = []
    let pauses = connection.client.events.count { $0 == .pauseWriting }
    if pauses != 1 {
      failures.append("water-marks: \(pauses) pauseWriting calls while the buffer filled, not 1")
    }
    connection.pair.client.holdsWrites = false
    connection.run()
    let resumes = connection.client.events.count { $0 == .resumeWriting }
    if resumes != 1 {
      failures.append("water-marks: \(resumes) resumeWriting calls once the buffer drained, not 1")
    }
    return failures + connection.contractViolations.map { "water-marks: \($0)" }
  }

  private static func closeInsideData(_ subject: Subject) -> [String] {
    let connection = Connection(subject, chunkSize: nil)
    connection.server.onEvent = { recorder, event in
      if case .data = event, recorder.dataChunks.count == 1 { recorder.transport?.close() }
    }
    connection.clientWritesMessages()
    connection.client.transport?.close()
    connection.run()
    var failures: [String] = []
    if subject.preservesMessageBoundaries && connection.server.dataChunks.count != 1 {
      failures.append(
        "close-inside-data: \(connection.server.dataChunks.count) deliveries, none should follow a close")
    }
    if !connection.server.isLost || !connection.client.isLost {
      failures.append("close-inside-data: the connection did not end on both sides")
    }
    return failures + connection.contractViolations.map { "close-inside-data: \($0)" }
  }

  private static func abort(_ subject: Subject) -> [String] {
    let connection = Connection(subject, chunkSize: nil)
    connection.run()
    connection.clientWritesMessages()
    connection.client.transport?.abort()
    connection.run()
    var failures: [String] = []
    if !connection.server.isLost || !connection.client.isLost {
      failures.append("abort: the connection did not end on both sides")
    }
    return failures + connection.contractViolations.map { "abort: \($0)" }
  }

  private static func buffered(_ subject: Subject) -> [String] {
    let reader = BufferedRecordingProtocol(memorySize: 5)
    let writer = RecordingProtocol()
    let pair = InMemoryTransport.pair(subject.client(writer), subject.server(reader), chunkSize: 7)
    pair.run()
    for message in subject.messages { writer.transport?.write(message) }
    writer.transport?.close()
    pair.run()
    var failures: [String] = []
    if reader.plainDeliveries != 0 {
      failures.append("buffered: a buffered protocol got dataReceived \(reader.plainDeliveries) times")
    }
    if reader.received != joined(subject.messages) {
      failures.append(
        "buffered: \(reader.received.readableBytes) of \(joined(subject.messages).readableBytes) bytes arrived"
      )
    }
    return failures + reader.recorder.violations.map { "buffered: \($0)" }
  }

  static func joined(_ messages: [ByteBuffer]) -> ByteBuffer {
    var all = ByteBuffer()
    for message in messages { all.writeBuffer(message) }
    return all
  }

  /// One connection: recorders above the subject's layers on both ends of an in-memory pair. The
  /// server echoes what it receives.
  private final class Connection {
    let client = RecordingProtocol()
    let server: RecordingProtocol
    let pair: InMemoryTransport.Pair
    private let messages: [ByteBuffer]
    private let wire = WireCounter()

    init(_ subject: Subject, chunkSize: Int?, serverPausesFromConnectionMade: Bool = false) {
      server = RecordingProtocol { recorder, event in
        switch event {
        case .connectionMade where serverPausesFromConnectionMade: recorder.transport?.pauseReading()
        case .data(let bytes): recorder.transport?.write(bytes)
        default: break
        }
      }
      messages = subject.messages
      pair = InMemoryTransport.pair(
        wire.counting(subject.client(client)), subject.server(server), chunkSize: chunkSize)
    }

    /// Bytes that crossed from the server to the client, as the layers encoded them.
    var bytesOnTheWire: Int { wire.count }

    func run() {
      pair.run(maxSteps: 100_000)
    }

    func clientWritesMessages() {
      run()
      for message in messages { client.transport?.write(message) }
      run()
    }

    /// The client writes every message, closes once the echoes are back, and both ends finish.
    func exchange() {
      clientWritesMessages()
      client.transport?.close()
      run()
    }

    var contractViolations: [String] {
      client.violations.map { "client: \($0)" } + server.violations.map { "server: \($0)" }
    }
  }
}

/// Counts the bytes a transport hands to the protocol it wraps, passing every callback on.
private final class WireCounter {
  var count = 0

  func counting(_ inner: any StreamProtocol) -> any StreamProtocol {
    Counting(inner: inner, counter: self)
  }

  private final class Counting: StreamProtocol {
    let inner: StreamProtocolLink
    let counter: WireCounter

    init(inner: any StreamProtocol, counter: WireCounter) {
      self.inner = StreamProtocolLink(inner)
      self.counter = counter
    }

    func connectionMade(_ transport: any StreamTransport) { inner.target.connectionMade(transport) }

    func dataReceived(_ data: ByteBuffer) {
      counter.count += data.readableBytes
      inner.deliver(data)
    }

    func eofReceived() -> Bool { inner.target.eofReceived() }
    func connectionLost(_ error: (any Error)?) { inner.target.connectionLost(error) }
    func pauseWriting() { inner.target.pauseWriting() }
    func resumeWriting() { inner.target.resumeWriting() }
  }
}
