import EddyProtocols

/// A layer of a protocol stack built from a decoder and an encoder: a stream protocol to the
/// transport below and a transport to the protocol above, in the manner of asyncio's
/// `sslproto.py`.
///
/// Above a layer of byte frames (a ``FrameDecoder`` and a ``FrameEncoder``, as in every
/// ``CodecStack``) sits any stream protocol, and the layer is its ``/EddyProtocols/StreamTransport``:
/// `messageReceived` for a ``/EddyProtocols/MessageProtocol`` above a framing decoder (zero-length frames
/// included), otherwise `dataReceived` for each non-empty frame, in the memory of a
/// `BufferedStreamProtocol` when it is one. Above a layer of typed messages (any
/// ``MessageDecoder`` and ``MessageEncoder``) sits a ``MessageStreamProtocol`` that receives and
/// writes those messages; the layer is its ``MessageStreamTransport``. A frame lying whole in
/// one received buffer is handed up as a slice of it; only the bytes of an unfinished frame are
/// kept between reads. ``write(_:)`` encodes one message and writes it below.
///
/// Everything else crosses the layer (see docs/architecture.md, "Layers"):
/// `pauseWriting`/`resumeWriting` go up (the layer's write buffer is the transport's below),
/// `pauseReading`/`resumeReading`, `writeEOF`, `close` and `abort` go down, end-of-file and
/// `connectionLost` go up with their exactly-once guarantees. While reading is paused no frame
/// is handed up; undelivered bytes wait, none is lost, and ``resumeReading()`` hands them up
/// before it returns. Frames stop at once after `close`, `abort` or `pauseReading`, even when
/// called from inside a frame callback.
///
/// At end-of-file the decoder's ``MessageDecoder/decodeLast(_:)`` runs (bytes it leaves are a
/// ``CodecError/truncatedFrame(bufferedBytes:)``); the protocol above then gets `eofReceived`,
/// and the layer closes when it returns false. A decode error is told to the protocol above
/// first (`decodeFailed`), which may write a last reply; the layer then closes the transport
/// below, which still sends that reply, and `connectionLost` carries the error. An encode error
/// aborts the transport below. The codecs, the transport below and the protocol above are
/// released when the connection ends.
///
/// Fairness: a layer hands up at most ``framesPerTurn`` frames and about ``bytesPerTurn`` bytes
/// between two read bursts of the transport below (``/EddyProtocols/StreamProtocol/readBurstEnded()``); past that it pauses the
/// transport below and goes on at the loop's next turn (``/EddyProtocols/ReadTransport/callOnNextTurn(_:)``),
/// so one connection whose input decodes to a flood of frames (compressed input, say) delays the
/// others by at most that much work. ``resumeReading()`` then leaves the waiting frames to that
/// next turn.
///
/// A layer is bound to its transport's event loop thread. Its buffers and codecs skip Swift's
/// dynamic exclusivity checks: only the layer touches them, never across a callback, and the
/// checks cost more than the decoding of a small frame.
public final class CodecLayer<Decoder: MessageDecoder, Encoder: MessageEncoder>: StreamProtocol,
  MessageStreamTransport, TransportLayer
{
  private enum State {
    case awaitingConnection
    case open
    /// A decode error is being told to the protocol above, which may still write.
    case failing(any Error)
    case closing
    case failed(any Error)
    case lost
  }

  /// The one place the state changes. The legal moves: `awaitingConnection → open` (the
  /// transport below connected), `open → closing` (close, abort), `open → failing` (a decode
  /// error, told to the protocol above), `failing → failed` (the layer closes below), `open`,
  /// `failing` or `closing → failed` (an encode error, or an abort while failing), `closing →
  /// closing` (an abort while closing), and any state but `lost` `→ lost` (`connectionLost`).
  /// Anything else traps in debug builds.
  private func move(to next: State) {
    let legal: Bool
    switch (state, next) {
    case (.awaitingConnection, .open), (.open, .closing), (.open, .failing), (.closing, .closing):
      legal = true
    case (.open, .failed), (.failing, .failed), (.closing, .failed): legal = true
    case (.lost, _): legal = false
    case (_, .lost): legal = true
    default: legal = false
    }
    assert(legal, "codec layer: no move from \(state) to \(next)")
    state = next
  }

  /// Decodes one byte frame: set when both message types are `ByteBuffer`, so that the layer of
  /// byte frames runs on concrete buffers, with no generic value or cast per frame.
  private typealias ByteFrameDecoding = (inout Decoder, inout ByteBuffer, _ atEnd: Bool) throws -> ByteBuffer?

  @exclusivity(unchecked) private var decoder: Decoder
  @exclusivity(unchecked) private var encoder: Encoder
  /// The stream protocol above a layer of byte frames; `ClosedStreamProtocol` otherwise.
  @exclusivity(unchecked) private var upper = StreamProtocolLink(ClosedStreamProtocol.shared)
  /// The same protocol when it takes whole messages.
  @exclusivity(unchecked) private var messageUpper: (any MessageProtocol)?
  /// The protocol of typed messages above a layer of typed messages.
  @exclusivity(unchecked) private var handler:
    (any MessageStreamProtocol<Decoder.InboundMessage, Encoder.OutboundMessage>)?
  private let decodeByteFrame: ByteFrameDecoding?
  @exclusivity(unchecked) private var lower: (any StreamTransport)?
  @exclusivity(unchecked) private var state = State.awaitingConnection
  /// Received bytes not decoded yet. While frames are cut from a received buffer this is that
  /// buffer itself (borrowed, so frames are slices of it); bytes of an unfinished frame left
  /// over are then moved to storage the layer owns, so the buffer below can be reused.
  @exclusivity(unchecked) private var cumulation = ByteBuffer()
  @exclusivity(unchecked) private var cumulationIsBorrowed = false
  /// Owned storage kept for the next unfinished frame.
  @exclusivity(unchecked) private var spare = ByteBuffer()
  /// Reused for every encoded write whenever the transport below has let go of the last one.
  @exclusivity(unchecked) private var encodeBuffer = ByteBuffer()
  /// True when ``encodeBuffer`` holds replies written while frames were being handed up: they go
  /// below as one write when the handing-up ends (or sooner, to stay within the water marks).
  @exclusivity(unchecked) private var hasGatheredWrites = false
  /// How many encoded bytes may be gathered in this delivery pass and still leave the transport
  /// below within its high-water mark: asked of the layers below once per pass, not per reply
  /// (nothing goes below while replies are gathered, so it holds for the whole pass). Zero once a
  /// reply went below directly: the rest of the pass writes through, so pauses are reported.
  @exclusivity(unchecked) private var gatherRoom = 0
  @exclusivity(unchecked) private var readingPaused = false
  @exclusivity(unchecked) private var isDelivering = false
  @exclusivity(unchecked) private var eofReceivedBelow = false
  @exclusivity(unchecked) private var eofDeliveredAbove = false
  @exclusivity(unchecked) private var writeEnded = false
  /// The connection's usage, when its server limits it, and this layer's part of it: the bytes
  /// of the unfinished frame it keeps.
  @exclusivity(unchecked) private var belowUsage: ConnectionUsage?
  @exclusivity(unchecked) private var usageShare = ConnectionUsage.Share()
  /// Frames and bytes handed up since the last read burst below ended (or the last yield).
  @exclusivity(unchecked) private var framesThisTurn = 0
  @exclusivity(unchecked) private var bytesThisTurn = 0
  /// The layer gave the loop its turn and waits for ``callOnNextTurn(_:)`` to go on.
  @exclusivity(unchecked) private var yielded = false

  /// The most frames a layer hands up in one turn of the loop before it lets the loop serve
  /// other connections.
  public static var framesPerTurn: Int { 1024 }

  /// The bytes of byte frames a layer hands up in one turn before it yields (a frame larger
  /// than this still goes up whole).
  public static var bytesPerTurn: Int { 1 << 20 }

  private init(decoder: Decoder, encoder: Encoder, decodeByteFrame: ByteFrameDecoding?) {
    self.decoder = decoder
    self.encoder = encoder
    self.decodeByteFrame = decodeByteFrame
  }

  /// Creates a layer that decodes with `decoder`, encodes with `encoder` and serves `handler`,
  /// a protocol of typed messages.
  public convenience init(
    decoder: Decoder, encoder: Encoder,
    handler: any MessageStreamProtocol<Decoder.InboundMessage, Encoder.OutboundMessage>
  ) {
    self.init(decoder: decoder, encoder: encoder, decodeByteFrame: nil)
    self.handler = handler
  }

  // MARK: The protocol of the transport below

  /// Keeps the transport below and makes the connection for the protocol above.
  public func connectionMade(_ transport: any StreamTransport) {
    guard case .awaitingConnection = state else { return }
    lower = transport
    belowUsage = transport.usage
    move(to: .open)
    if let handler {
      handler.connectionMade(self)
    } else if let transport = self as? any StreamTransport {
      // A layer of byte frames, the only kind built over a stream protocol, is a stream transport.
      upper.target.connectionMade(transport)
    }
  }

  /// Decodes the bytes and hands up every complete frame.
  public func dataReceived(_ data: ByteBuffer) {
    guard case .open = state else { return }
    if cumulation.isEmpty {
      cumulation = data
      cumulationIsBorrowed = true
    } else {
      cumulation.writeBuffer(data)
    }
    deliverFrames()
  }

  /// Decodes what is left and hands end-of-file up once every frame has been delivered.
  ///
  /// - Returns: false once the layer is closing (the protocol above let it close, or a frame
  ///   failed to decode); true while the connection stays open: the protocol above asked to
  ///   keep it half-open, or its reading is paused and end-of-file waits for it. The layer
  ///   closes itself when the protocol above answers false, so a transport below that also
  ///   closes on false does nothing more.
  public func eofReceived() -> Bool {
    guard case .open = state else { return false }
    eofReceivedBelow = true
    deliverFrames()
    return !isClosing
  }

  /// Hands the end of the connection up once, with the codec error that caused it, if any.
  public func connectionLost(_ error: (any Error)?) {
    let reported: (any Error)?
    switch state {
    case .lost: return
    case .failed(let codecError), .failing(let codecError): reported = codecError
    case .awaitingConnection, .open, .closing: reported = error
    }
    move(to: .lost)
    hasGatheredWrites = false
    // Let go of both neighbours: the protocol above usually keeps this layer as its transport,
    // and in a stack the transport below is another layer whose protocol above is this one;
    // either pair would otherwise keep each other alive after the connection.
    lower = nil
    if let usage = belowUsage { usageShare.release(in: usage) }
    belowUsage = nil
    let lastHandler = handler
    handler = nil
    messageUpper = nil
    let lastUpper = upper.detach()
    cumulation = ByteBuffer()
    spare = ByteBuffer()
    encodeBuffer = ByteBuffer()
    decoder.release()
    encoder.release()
    if let lastHandler {
      lastHandler.connectionLost(reported)
    } else {
      lastUpper.connectionLost(reported)
    }
  }

  /// Passes the pause up.
  public func pauseWriting() {
    guard isConnected else { return }
    if let handler { handler.pauseWriting() } else { upper.target.pauseWriting() }
  }

  /// Passes the resume up.
  public func resumeWriting() {
    guard isConnected else { return }
    if let handler { handler.resumeWriting() } else { upper.target.resumeWriting() }
  }

  // MARK: The transport of the protocol above

  /// Encodes one message and writes it below. Ignored after `close`, `abort` or `writeEOF`.
  public func write(_ message: Encoder.OutboundMessage) {
    guard beginEncoding(), encode(message) else { return }
    finishEncoding()
  }

  /// Encodes the messages, in order, into one write below.
  public func write(contentsOf messages: [Encoder.OutboundMessage]) {
    guard beginEncoding() else { return }
    for message in messages {
      guard encode(message) else { return }
    }
    finishEncoding()
  }

  /// Encodes the stream's ending, then closes the write side below once it has drained.
  public func writeEOF() {
    guard case .open = state, !writeEnded else { return }
    endWriting()
    if case .open = state { lower?.writeEOF() }
  }

  /// True when the transport below can half-close.
  public var canWriteEOF: Bool { lower?.canWriteEOF ?? false }

  /// Stops handing up frames, encodes the stream's ending and closes the transport below, which
  /// still sends what it buffered.
  public func close() {
    guard case .open = state else { return }
    move(to: .closing)
    endWriting()
    if case .closing = state { lower?.close() }
  }

  /// Stops handing up frames and aborts the transport below, dropping what it buffered.
  public func abort() {
    switch state {
    case .open, .closing:
      move(to: .closing)
      hasGatheredWrites = false
      lower?.abort()
    case .failing(let error):
      move(to: .failed(error))
      hasGatheredWrites = false
      lower?.abort()
    case .awaitingConnection, .failed, .lost:
      break
    }
  }

  /// True once the layer is closing, has failed or the connection ended.
  public var isClosing: Bool {
    if case .open = state { return false }
    return true
  }

  /// Stops handing up frames and pauses the transport below. Idempotent.
  public func pauseReading() {
    readingPaused = true
    lower?.pauseReading()
  }

  /// Hands up the frames that waited, then resumes the transport below. Idempotent.
  public func resumeReading() {
    guard readingPaused else { return }
    readingPaused = false
    // After a yield the frames wait for the next turn, which resumes the transport below.
    guard !yielded else { return }
    deliverFrames()
    if case .open = state, !readingPaused, !yielded { lower?.resumeReading() }
  }

  /// True unless reading is paused or the layer is closing.
  public var isReading: Bool { !isClosing && !readingPaused }

  /// The encoded bytes waiting: the transport below's write buffer and replies gathered here.
  public var writeBufferSize: Int {
    (lower?.writeBufferSize ?? 0) + (hasGatheredWrites ? encodeBuffer.readableBytes : 0)
  }

  /// The transport below's water marks.
  public var writeBufferLimits: WriteBufferLimits { lower?.writeBufferLimits ?? WriteBufferLimits() }

  /// Sets the water marks of the transport below.
  public func setWriteBufferLimits(high: Int?, low: Int?) {
    lower?.setWriteBufferLimits(high: high, low: low)
  }

  /// The transport that carries the encoded bytes.
  public var transportBelow: (any StreamTransport)? { lower }

  /// The decode or encode error the layer is ending the connection with, until it reports the
  /// end above; nil otherwise.
  public var failure: (any Error)? {
    switch state {
    case .failing(let error), .failed(let error): error
    case .awaitingConnection, .open, .closing, .lost: nil
    }
  }

  // MARK: Decoding and encoding

  private var isConnected: Bool {
    switch state {
    case .open, .failing, .closing, .failed: true
    case .awaitingConnection, .lost: false
    }
  }

  /// Hands up frames until the bytes run out, reading is paused or the layer stops; then, after
  /// end-of-file below, hands end-of-file up. Not re-entered from inside a frame callback.
  private func deliverFrames() {
    guard !isDelivering else { return }
    isDelivering = true
    if let lower { gatherRoom = lower.writeBufferLimits.high &- lower.writeBufferSize }
    defer {
      isDelivering = false
      writeGathered()
    }
    if let decodeByteFrame {
      while case .open = state, !readingPaused, !yielded {
        let frame: ByteBuffer?
        do {
          frame = try decodeByteFrame(&decoder, &cumulation, eofReceivedBelow)
        } catch {
          decodeFailed(error)
          return
        }
        guard let frame else { break }
        deliver(frame)
        countFrameForTurn(bytes: frame.readableBytes)
      }
    } else {
      while case .open = state, !readingPaused, !yielded {
        let message: Decoder.InboundMessage?
        do {
          message = eofReceivedBelow ? try decoder.decodeLast(&cumulation) : try decoder.decode(&cumulation)
        } catch {
          decodeFailed(error)
          return
        }
        guard let message else { break }
        handler?.messageReceived(message)
        countFrameForTurn(bytes: 0)
      }
    }
    settleCumulation()
    if let usage = belowUsage {
      usageShare.update(bufferedBytes: cumulation.readableBytes, unfinished: !cumulation.isEmpty, in: usage)
    }
    guard case .open = state, !readingPaused, !yielded, eofReceivedBelow, !eofDeliveredAbove else { return }
    guard cumulation.isEmpty else {
      decodeFailed(CodecError.truncatedFrame(bufferedBytes: cumulation.readableBytes))
      return
    }
    eofDeliveredAbove = true
    let keepsOpen = handler?.eofReceived() ?? upper.target.eofReceived()
    if !keepsOpen { close() }
  }

  /// Counts a frame handed up; at the turn's budget, pauses the transport below and goes on at
  /// the loop's next turn (when the transport below can defer work; otherwise it goes on now).
  @inline(__always)
  private func countFrameForTurn(bytes: Int) {
    framesThisTurn &+= 1
    bytesThisTurn &+= bytes
    guard framesThisTurn >= Self.framesPerTurn || bytesThisTurn >= Self.bytesPerTurn else { return }
    framesThisTurn = 0
    bytesThisTurn = 0
    guard let lower, case .open = state else { return }
    let scheduled = lower.callOnNextTurn { [weak self] in self?.nextTurn() }
    guard scheduled else { return }
    yielded = true
    lower.pauseReading()
  }

  /// The loop's next turn after a yield: hands up what waited, then lets the transport below
  /// read again unless the budget ran out again or the protocol above paused reading.
  private func nextTurn() {
    guard yielded else { return }
    yielded = false
    guard !readingPaused else { return }
    deliverFrames()
    if case .open = state, !readingPaused, !yielded { lower?.resumeReading() }
  }

  /// The transport below ended a read burst: a new turn's budget starts, and the protocol above
  /// learns it too.
  public func readBurstEnded() {
    if !yielded {
      framesThisTurn = 0
      bytesThisTurn = 0
    }
    guard case .open = state else { return }
    upper.target.readBurstEnded()
  }

  /// Lets go of a received buffer once its frames are cut: keeps owned storage for reuse when
  /// nothing is left, copies the bytes of an unfinished frame into owned storage otherwise.
  private func settleCumulation() {
    if cumulation.isEmpty {
      if !cumulationIsBorrowed && cumulation.capacity > 0 { spare = cumulation }
      cumulation = ByteBuffer()
    } else if cumulationIsBorrowed {
      var owned = ByteBuffer()
      swap(&owned, &spare)
      owned.clear()
      owned.writeBuffer(cumulation)
      cumulation = owned
    }
    cumulationIsBorrowed = false
  }

  /// Hands a byte frame to the stream protocol above.
  private func deliver(_ frame: ByteBuffer) {
    if decoder.decodesMessages, let messageUpper {
      messageUpper.messageReceived(frame)
    } else if !frame.isEmpty {
      upper.deliver(frame)
    }
  }

  /// Readies ``encodeBuffer`` for frames; false when writing has ended.
  private func beginEncoding() -> Bool {
    switch state {
    case .open, .failing: break
    case .awaitingConnection, .closing, .failed, .lost: return false
    }
    guard !writeEnded, lower != nil else { return false }
    if !hasGatheredWrites { encodeBuffer.clear() }
    return true
  }

  /// Encodes one message after what ``encodeBuffer`` holds; false (and the layer failed) on error.
  private func encode(_ message: Encoder.OutboundMessage) -> Bool {
    do {
      try encoder.encode(message, into: &encodeBuffer)
      return true
    } catch {
      fail(error)
      return false
    }
  }

  /// Writes the encoded frames below, or, while frames are handed up, gathers them into one
  /// write below as long as that keeps the transport below within its high-water mark (so no
  /// pause is held back).
  private func finishEncoding() {
    guard let lower else { return }
    if isDelivering && encodeBuffer.readableBytes <= gatherRoom {
      hasGatheredWrites = true
      return
    }
    hasGatheredWrites = false
    gatherRoom = 0
    if !encodeBuffer.isEmpty { lower.write(encodeBuffer) }
  }

  /// Writes the gathered replies below, in one write.
  private func writeGathered() {
    guard hasGatheredWrites else { return }
    hasGatheredWrites = false
    switch state {
    case .open, .failing, .closing:
      if !encodeBuffer.isEmpty { lower?.write(encodeBuffer) }
    case .awaitingConnection, .failed, .lost:
      break
    }
  }

  /// Encodes and writes the stream's ending, once.
  private func endWriting() {
    guard !writeEnded, let lower else { return }
    writeGathered()
    writeEnded = true
    encodeBuffer.clear()
    do {
      try encoder.encodeEnd(into: &encodeBuffer)
    } catch {
      fail(error)
      return
    }
    if !encodeBuffer.isEmpty { lower.write(encodeBuffer) }
  }

  /// Ends the connection for input that cannot be decoded: tells the protocol above, which may
  /// write a last reply, sends what it wrote, and closes below; `connectionLost` reports the
  /// error when the transport below reports the end.
  private func decodeFailed(_ error: any Error) {
    guard case .open = state else { return }
    move(to: .failing(error))
    if let handler {
      handler.decodeFailed(error)
    } else {
      messageUpper?.decodeFailed(error)
    }
    guard case .failing = state else { return }
    writeGathered()
    move(to: .failed(error))
    lower?.close()
  }

  /// Ends the connection for an encode error: aborts below and reports the error above when the
  /// transport below reports the end.
  private func fail(_ error: any Error) {
    switch state {
    case .open, .failing, .closing:
      move(to: .failed(error))
      hasGatheredWrites = false
      lower?.abort()
    case .awaitingConnection, .failed, .lost:
      break
    }
  }
}

extension CodecLayer: WriteTransport
where Decoder.InboundMessage == ByteBuffer, Encoder.OutboundMessage == ByteBuffer {}

extension CodecLayer: StreamTransport
where Decoder.InboundMessage == ByteBuffer, Encoder.OutboundMessage == ByteBuffer {
  /// Creates a layer that decodes with `decoder`, encodes with `encoder` and serves `upper`.
  public convenience init(decoder: Decoder, encoder: Encoder, upper: any StreamProtocol) {
    self.init(decoder: decoder, encoder: encoder) { decoder, buffer, atEnd in
      atEnd ? try decoder.decodeLast(&buffer) : try decoder.decode(&buffer)
    }
    self.upper = StreamProtocolLink(upper)
    self.messageUpper = upper as? any MessageProtocol
  }

  /// The protocol above.
  public var streamProtocol: any StreamProtocol {
    upper.target
  }

  /// Hands later frames and callbacks to another protocol.
  public func setProtocol(_ newProtocol: any StreamProtocol) {
    upper.set(newProtocol)
    messageUpper = newProtocol as? any MessageProtocol
  }
}

extension CodecLayer where Decoder == Encoder {
  /// Creates a layer of typed messages that decodes and encodes with one codec (each direction
  /// gets its own copy).
  public convenience init(
    codec: Decoder, handler: any MessageStreamProtocol<Decoder.InboundMessage, Encoder.OutboundMessage>
  ) {
    self.init(decoder: codec, encoder: codec, handler: handler)
  }
}

extension CodecLayer
where Decoder == Encoder, Decoder.InboundMessage == ByteBuffer, Encoder.OutboundMessage == ByteBuffer {
  /// Creates a layer that decodes and encodes with one codec (each direction gets its own copy).
  public convenience init(codec: Decoder, upper: any StreamProtocol) {
    self.init(decoder: codec, encoder: codec, upper: upper)
  }
}
