import EddyProtocols

/// What a drain keeps between its passes: the batch's reused storage and whether a drain runs.
struct OutboundDrainState<Sent: QueueElement> {
  /// The batch being handed over; empty between passes, its arrays' storage kept.
  var batch = OutboundQueue<Sent>.Batch()
  /// A drain is running (a write it made called back into the bridge).
  var isDraining = false
  /// A drain was asked for while one ran: the running one takes another pass.
  var isAskedAgain = false
}

/// A bridge whose loop hands its connection's outbound queue to a transport: the stream and the
/// datagram bridge, which differ only in how one batch reaches their transport.
protocol OutboundDraining: AnyObject {
  associatedtype Received: InboundElement
  associatedtype Sent: QueueElement
  associatedtype Transport
  /// The transport, from `connectionMade` until `connectionLost`.
  var transport: Transport? { get set }
  /// The queues shared with the connection's tasks.
  var buffers: ConnectionBuffers<Received, Sent> { get }
  /// The drain's state; only ``drain()`` touches it.
  var drainState: OutboundDrainState<Sent> { get set }
  /// The transport's write buffer size now, 0 without a transport: recorded for diagnostics.
  var transportWriteBufferSize: Int { get }
  /// Hands the batch's elements, then its command, to the transport; nothing once it is gone.
  func hand(_ batch: OutboundQueue<Sent>.Batch)
}

extension OutboundDraining {
  /// Hands queued writes and commands to the transport, in order, until the queue is empty or
  /// the transport pauses, then resumes the writers that waited for them. Each batch is emptied
  /// once handed over, so the bytes it held are let go before the next read (a received chunk
  /// echoed back gives its storage back). A write may call back into the bridge (a pause, or a
  /// resume that asks for another drain): the drain running goes on instead of nesting.
  func drain() {
    guard !drainState.isDraining else {
      drainState.isAskedAgain = true
      return
    }
    drainState.isDraining = true
    defer { drainState.isDraining = false }
    var batch = drainState.batch
    drainState.batch = OutboundQueue<Sent>.Batch()
    var more = true
    while more || drainState.isAskedAgain {
      drainState.isAskedAgain = false
      let transportBuffer = transportWriteBufferSize
      more = buffers.outbound.withLock { $0.takeBatch(into: &batch, transportBuffer: transportBuffer) }
      hand(batch)
      for waiter in batch.waiters { waiter.resume() }
      batch.removeAll()
    }
    drainState.batch = batch
  }
}

/// The transport's flow control and end, the same for every draining bridge: these are the
/// bridge's ``BaseProtocol`` callbacks.
extension OutboundDraining where Self: BaseProtocol {
  /// The transport has gone: the inbound sequence ends with `error`, and writes queued or still
  /// to come fail with it (``AsyncConnectionError/closed`` after a clean end).
  func connectionLost(_ error: (any Error)?) {
    transport = nil
    buffers.end(error: error, writeError: error ?? AsyncConnectionError.closed)
  }

  /// The transport's buffer went over its high-water mark: writers wait from now on.
  func pauseWriting() {
    buffers.outbound.withLock { $0.pause() }
  }

  /// The transport's buffer came down to its low-water mark: what waited is handed over.
  func resumeWriting() {
    if buffers.outbound.withLock({ $0.resume() }) { drain() }
  }
}
