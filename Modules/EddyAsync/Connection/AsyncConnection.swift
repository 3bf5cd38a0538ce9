import EddyProtocols
import EddyReactor

/// A stream connection for `async` code, over any stream transport and optional protocol
/// layers (a codec stack, for example), with backpressure in both directions.
///
/// Read with ``inbound``, an `AsyncSequence` of received elements: raw chunks, or frames when a
/// codec stack is in place. Received elements wait in a buffer bounded by
/// ``AsyncConnectionConfiguration/inboundLimits``; when the consumer falls behind, the
/// transport stops reading (the peer then feels TCP's flow control) until it catches up.
///
/// Write with ``write(_:)``: it suspends while the transport's write buffer is over its
/// high-water mark, so a producer cannot outrun the peer. Writes, ``writeEOF()`` and
/// ``close()`` happen in the order they were issued, from any number of tasks.
///
/// A connection is `Sendable`; every call is safe from any task. Its transport stays on its
/// event loop's thread, and every call into the transport hops there. The connection closes
/// when the last reference to it goes away.
public final class AsyncConnection: Sendable, LoopRequests {
  /// The loop the transport lives on.
  public let loop: EventLoop
  /// The local address, when the transport has one.
  public let localAddress: SocketAddress?
  /// The peer's address, when the transport has one.
  public let peerAddress: SocketAddress?
  let buffers: StreamBuffers
  private let bridge: LoopBound<StreamBridge>

  /// Wraps a bridge whose connection has been made; call on its loop's thread.
  init(bridge: StreamBridge) {
    self.loop = bridge.loop
    self.buffers = bridge.buffers
    self.localAddress = bridge.transport?.localAddress
    self.peerAddress = bridge.transport?.peerAddress
    self.bridge = LoopBound(bridge, loop: bridge.loop)
  }

  deinit { close() }

  /// The received elements, in order. It ends normally at end-of-file or when the connection
  /// closes, and throws the error that ended the connection otherwise (a codec error, a
  /// connection reset). One task may iterate it at a time. Cancelling the iterating task
  /// aborts the connection.
  public var inbound: Inbound { Inbound(connection: self) }

  /// Writes `data` after everything written before it: bytes on a raw stream, one frame under
  /// a codec stack (where an empty frame is a frame too).
  ///
  /// Returns at once while the transport keeps up; suspends while the transport is paused (its
  /// write buffer over the high-water mark) or too many bytes wait for the loop, and returns
  /// once `data` is in the transport. Returning means the transport has taken the bytes (or
  /// will, in order), not that the peer has read them. Cancelling a suspended write aborts the
  /// connection, since the stream cannot go on with a hole in it. It runs on the caller's
  /// executor (it queues the bytes for the loop and may wait), so a write costs no hop.
  ///
  /// - Throws: ``AsyncConnectionError`` after ``close()`` or ``writeEOF()``, the error that
  ///   ended the connection, or `CancellationError`.
  nonisolated(nonsending) public func write(_ data: ByteBuffer) async throws {
    try await buffers.send(data, for: self)
  }

  /// Shuts the write side once everything written before has been sent; reading goes on.
  /// Later writes throw ``AsyncConnectionError/outputClosed``.
  public func writeEOF() {
    enqueue(.writeEOF)
  }

  /// Closes gracefully: everything written before is sent, then the connection closes and
  /// ``inbound`` ends once its buffered elements are consumed. Idempotent.
  public func close() {
    enqueue(.close)
  }

  /// Closes at once, dropping what waits to be sent; waiting writers get
  /// ``AsyncConnectionError/closed``.
  public func abort() {
    buffers.failWriters(AsyncConnectionError.closed)
    bridge.withValue { $0.abort() }
  }

  /// Stops reading: ``inbound`` ends after the elements it holds, as if the peer had ended its
  /// input, while writes go on (a server draining for shutdown).
  func endInput() {
    bridge.withValue { $0.endInput() }
  }

  /// Makes every later write throw ``AsyncConnectionError/outputClosed``, for a connection
  /// over a transport that can only read.
  func refuseWrites() {
    buffers.outbound.withLock { $0.refuseWrites() }
  }

  /// The counters of the connection's buffers.
  package var statistics: ConnectionStatistics { buffers.statistics }

  private func enqueue(_ command: OutboundQueue<ByteBuffer>.Command) {
    buffers.enqueue(command, for: self)
  }

  /// Asks the loop to hand queued writes to the transport at the end of its turn (after a hop
  /// when called off its thread), so writes made one by one during a turn leave as one batch.
  func requestDrain() {
    bridge.withValue { $0.loop.flushAtEndOfTurn($0) }
  }

  /// Asks the loop to resume reading once the consumer has caught up.
  func requestResumeReading() {
    bridge.withValue { $0.resumeReadingIfCaughtUp() }
  }
}
