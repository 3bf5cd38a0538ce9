import EddyProtocols

/// A stream transport connected to another one in memory, for deterministic tests of protocols
/// and of anything stacked on a transport, with no sockets, threads or event loop.
///
/// Transports come in connected pairs from ``pair(_:_:limits:chunkSize:)``. Nothing moves by
/// itself: calls such as ``write(_:)``, ``close()`` or ``writeEOF()`` only change state, and
/// ``Pair/run(maxSteps:)`` delivers bytes, end-of-file and `connectionLost` in order until
/// nothing more can happen. A protocol may therefore write, close or abort from inside any
/// callback without being called back re-entrantly.
///
/// The model follows a TCP connection:
/// - Written bytes wait in the writer's write buffer until the pump hands them to the peer's
///   protocol, one `dataReceived` per write (split at ``deliveryChunkSize``). They wait there while
///   the peer's reading is paused, while the peer is closing, or while ``holdsWrites`` is set, so
///   the buffer can be driven over its water marks.
/// - ``writeEOF()`` and ``close()`` reach the peer as `eofReceived` once the buffer has drained;
///   a peer whose `eofReceived` returns false is closed. A closed end calls `connectionLost(nil)`
///   after its buffer drained; ``abort()`` drops the buffer and ends at the next step.
/// - Bytes still waiting for a peer that has already ended are refused the way a TCP reset
///   refuses them: the writer's `connectionLost` gets ``InMemoryTransportError/connectionReset``,
///   unless the writer is closing, which ends normally as a TCP socket closed after its last
///   write does.
/// - After `connectionLost` the transport lets go of its protocol, as a socket transport does:
///   ``streamProtocol`` is then ``/EddyProtocols/ClosedStreamProtocol``.
public final class InMemoryTransport: StreamTransport {
  enum Phase {
    case open
    case closing
    case aborting
    case closed
  }

  /// The protocol this transport calls.
  public var streamProtocol: any StreamProtocol { upper.target }
  /// The most bytes handed to the peer in one `dataReceived`, or nil for a whole write at once.
  public var deliveryChunkSize: Int? {
    didSet {
      precondition(deliveryChunkSize.map { $0 > 0 } ?? true, "the delivery chunk size must be positive")
    }
  }
  /// While true, written bytes stay in the write buffer as if the peer's network did not take
  /// them; set it back to false and run the pump to deliver them.
  public var holdsWrites = false
  /// The number of bytes waiting in the write buffer.
  public private(set) var writeBufferSize = 0
  /// True once `connectionLost` has been called.
  public var isClosed: Bool { phase == .closed }
  /// The error `connectionLost` was called with, when there was one.
  public private(set) var closeError: (any Error)?

  weak var peer: InMemoryTransport?
  private var upper: StreamProtocolLink
  var phase = Phase.open
  private var flowControl: WriteFlowControl
  private var outbound: [ByteBuffer] = []
  private var outboundHead = 0
  private var readingPaused = false
  private var writeEOFRequested = false
  private var eofSentToPeer = false
  private var eofArrived = false
  private var eofDelivered = false

  init(protocol streamProtocol: any StreamProtocol, limits: WriteBufferLimits, chunkSize: Int?) {
    self.upper = StreamProtocolLink(streamProtocol)
    self.flowControl = WriteFlowControl(limits: limits)
    self.deliveryChunkSize = chunkSize
  }

  /// True once ``close()`` or ``abort()`` was called or the connection ended.
  public var isClosing: Bool { phase != .open }

  /// True unless reading is paused or the transport is closing.
  public var isReading: Bool { phase == .open && !readingPaused }

  /// Always true: the in-memory transport can half-close.
  public var canWriteEOF: Bool { true }

  /// The current water marks.
  public var writeBufferLimits: WriteBufferLimits { flowControl.limits }

  /// Hands the connection to another protocol.
  public func setProtocol(_ newProtocol: any StreamProtocol) {
    upper.set(newProtocol)
  }

  /// Queues bytes for the peer; ignored when empty or after `close`, `abort` or `writeEOF`.
  public func write(_ data: ByteBuffer) {
    guard phase == .open, !writeEOFRequested, !data.isEmpty else { return }
    outbound.append(data)
    writeBufferSize += data.readableBytes
    streamProtocol.apply(flowControl.update(bufferSize: writeBufferSize))
  }

  /// Sends end-of-file to the peer once the write buffer has drained; reading goes on.
  public func writeEOF() {
    guard phase == .open else { return }
    writeEOFRequested = true
  }

  /// Stops reading, drains the write buffer, sends end-of-file, then ends the connection.
  public func close() {
    guard phase == .open else { return }
    phase = .closing
  }

  /// Drops the write buffer and ends the connection at the next step of the pump.
  public func abort() {
    guard phase == .open || phase == .closing else { return }
    phase = .aborting
    dropOutbound()
  }

  /// Stops delivering received bytes and end-of-file; they wait, none is lost. Idempotent.
  public func pauseReading() {
    readingPaused = true
  }

  /// Delivers received bytes again from the next step of the pump. Idempotent.
  public func resumeReading() {
    readingPaused = false
  }

  /// Sets the water marks and pauses or resumes the protocol at once if the buffer crosses them.
  public func setWriteBufferLimits(high: Int?, low: Int?) {
    let transition = flowControl.setLimits(
      WriteBufferLimits(high: high, low: low), bufferSize: writeBufferSize)
    if phase != .closed { streamProtocol.apply(transition) }
  }

  /// Performs every callback this end owes now: delivers its written bytes to the peer, sends
  /// end-of-file, delivers the end-of-file it received, and ends the connection. Returns true
  /// when anything happened.
  func step() -> Bool {
    switch phase {
    case .closed:
      return false
    case .aborting:
      end(error: nil)
      return true
    case .open, .closing:
      var progressed = deliverOutbound()
      progressed = sendEOFIfDrained() || progressed
      progressed = deliverArrivedEOF() || progressed
      if phase == .closing && outboundHead == outbound.count {
        end(error: nil)
        progressed = true
      }
      return progressed
    }
  }

  private func deliverOutbound() -> Bool {
    var progressed = false
    while outboundHead < outbound.count, phase != .closed, phase != .aborting, !holdsWrites, let peer {
      if peer.phase == .closed {
        // A closing writer has handed its last bytes to the network and does not hear the reset.
        dropOutbound()
        if phase == .open { end(error: InMemoryTransportError.connectionReset) }
        return true
      }
      guard peer.isReading else { break }
      let piece = takeNextPiece()
      writeBufferSize -= piece.readableBytes
      streamProtocol.apply(flowControl.update(bufferSize: writeBufferSize))
      peer.upper.deliver(piece)
      progressed = true
    }
    return progressed
  }

  private func takeNextPiece() -> ByteBuffer {
    var chunk = outbound[outboundHead]
    if let size = deliveryChunkSize, chunk.readableBytes > size, let piece = chunk.readSlice(length: size) {
      outbound[outboundHead] = chunk
      return piece
    }
    outbound[outboundHead] = ByteBuffer()
    outboundHead += 1
    if outboundHead == outbound.count {
      outbound.removeAll(keepingCapacity: true)
      outboundHead = 0
    }
    return chunk
  }

  private func sendEOFIfDrained() -> Bool {
    guard writeEOFRequested || phase == .closing, !eofSentToPeer, outboundHead == outbound.count,
      !holdsWrites
    else { return false }
    eofSentToPeer = true
    peer?.eofArrived = true
    return true
  }

  private func deliverArrivedEOF() -> Bool {
    guard eofArrived, !eofDelivered, isReading else { return false }
    eofDelivered = true
    if !streamProtocol.eofReceived() { close() }
    return true
  }

  private func dropOutbound() {
    outbound.removeAll()
    outboundHead = 0
    writeBufferSize = 0
  }

  private func end(error: (any Error)?) {
    phase = .closed
    dropOutbound()
    closeError = error
    if !eofSentToPeer {
      eofSentToPeer = true
      peer?.eofArrived = true
    }
    // Let go of the protocol, which usually keeps this transport: no cycle outlives the connection.
    upper.detach().connectionLost(error)
  }
}

/// Why an in-memory connection ended with an error.
public enum InMemoryTransportError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Bytes were written to a peer that had already closed, as a TCP reset reports it.
  case connectionReset

  /// A human-readable explanation.
  public var description: String {
    switch self {
    case .connectionReset: "connection reset: the peer had closed before the written bytes reached it"
    }
  }
}
