import EddyProtocols
import EddyReactor

/// The stream protocol behind an ``AsyncConnection``: it lives on the transport's loop, feeds
/// received elements to the inbound queue, pauses and resumes reading as the consumer falls
/// behind and catches up, and hands queued writes to the transport while it is not paused.
final class StreamBridge: MessageProtocol, OutboundDraining {
  let loop: EventLoop
  let buffers: StreamBuffers
  /// The transport (or the top codec layer), from `connectionMade` until `connectionLost`.
  var transport: (any StreamTransport)?
  /// Called once with the bridge when the connection is made.
  var onConnectionMade: ((StreamBridge) -> Void)?
  var drainState = OutboundDrainState<ByteBuffer>()

  init(loop: EventLoop, buffers: StreamBuffers) {
    self.loop = loop
    self.buffers = buffers
  }

  /// A bridge for a connection configured by `configuration`, and the protocol to hand its
  /// transport: the bridge under the configured layers.
  static func make(
    loop: EventLoop, configuration: AsyncConnectionConfiguration
  ) -> (bridge: StreamBridge, protocol: any StreamProtocol) {
    let buffers = StreamBuffers(
      inboundLimits: configuration.inboundLimits, stagingLimit: configuration.stagingLimit,
      canPauseReading: true)
    let bridge = StreamBridge(loop: loop, buffers: buffers)
    return (bridge, configuration.layers?(bridge) ?? bridge)
  }

  // MARK: Protocol callbacks

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    onConnectionMade?(self)
    onConnectionMade = nil
  }

  func dataReceived(_ data: ByteBuffer) {
    switch buffers.inbound.withLock({ $0.receive(data) }) {
    case .deliver(let waiter, let element):
      waiter.resume(returning: element)
    case .buffered(let pauseReading):
      if pauseReading { transport?.pauseReading() }
    case .dropped:
      preconditionFailure("a stream's reading pauses, so its elements are never dropped")
    }
  }

  /// A whole frame from a framing layer, an empty one included: an element of the sequence
  /// like any other.
  func messageReceived(_ message: ByteBuffer) {
    dataReceived(message)
  }

  /// Ends the inbound sequence; the connection stays half-open so the application can still
  /// write, and closes when it closes the connection.
  func eofReceived() -> Bool {
    if let (waiter, poll) = buffers.inbound.withLock({ $0.finish(error: nil) }) {
      InboundQueue.resume(waiter, with: poll)
    }
    return true
  }

  // MARK: Draining

  /// The transport's write buffer size, 0 without a transport.
  var transportWriteBufferSize: Int { transport?.writeBufferSize ?? 0 }

  /// Writes the batch's bytes, gathered, then performs its command.
  func hand(_ batch: OutboundQueue<ByteBuffer>.Batch) {
    guard let transport else { return }
    if batch.elements.count == 1 {
      transport.write(batch.elements[0])
    } else if !batch.elements.isEmpty {
      transport.write(contentsOf: batch.elements)
    }
    switch batch.command {
    case .writeEOF: transport.writeEOF()
    case .close: transport.close()
    case nil: break
    }
  }

  // MARK: Requests from the connection's tasks

  /// Resumes reading if the consumer has caught up.
  func resumeReadingIfCaughtUp() {
    if buffers.inbound.withLock({ $0.shouldResumeReading() }) { transport?.resumeReading() }
  }

  /// Stops reading and ends the inbound sequence after what it holds, as an end of input from
  /// the peer would; writing goes on.
  func endInput() {
    transport?.pauseReading()
    if let (waiter, poll) = buffers.inbound.withLock({ $0.finish(error: nil) }) {
      InboundQueue.resume(waiter, with: poll)
    }
  }

  /// Closes the transport at once, dropping what it buffered.
  func abort() {
    transport?.abort()
  }
}

/// The buffers of a byte stream: chunks or frames in, bytes or frames out.
typealias StreamBuffers = ConnectionBuffers<ByteBuffer, ByteBuffer>

extension StreamBridge: EndOfTurnFlushable {
  /// Hands what the tasks wrote during the turn to the transport, as one batch.
  func flushAtEndOfTurn() { drain() }
}
