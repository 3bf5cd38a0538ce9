import EddyProtocols
import EddyReactor

/// A datagram endpoint (UDP or a Unix datagram socket) for `async` code.
///
/// Read with ``inbound``, an `AsyncSequence` of received ``Datagram``s, bounded by
/// ``AsyncDatagramConfiguration/inboundLimits`` (datagrams arriving while it is full are
/// dropped and counted). Send with ``send(_:to:)``, which suspends while the transport's send
/// queue is over its high-water mark. An endpoint is `Sendable`; every call is safe from any
/// task. It closes when the last reference to it goes away.
///
/// Create one with `createDatagramEndpoint` on an `EventLoop`.
public final class AsyncDatagramEndpoint: Sendable, LoopRequests {
  /// The loop the transport lives on.
  public let loop: EventLoop
  /// The bound local address.
  public let localAddress: SocketAddress?
  /// The connected peer, for a connected endpoint.
  public let peerAddress: SocketAddress?
  let buffers: DatagramBuffers
  private let bridge: LoopBound<DatagramBridge>

  /// Wraps a bridge whose endpoint has been made; call on its loop's thread.
  init(bridge: DatagramBridge) {
    self.loop = bridge.loop
    self.buffers = bridge.buffers
    self.localAddress = bridge.transport?.localAddress
    self.peerAddress = bridge.transport?.peerAddress
    self.bridge = LoopBound(bridge, loop: bridge.loop)
  }

  deinit { close() }

  /// The received datagrams, in the order they were read.
  ///
  /// An error the system reports without ending the endpoint (for example `ECONNREFUSED` on a
  /// connected endpoint whose peer does not listen) is thrown in its place in the order; the
  /// endpoint stays open, and iterating again goes on with what follows. The sequence ends
  /// when the endpoint closes. Cancelling the iterating task aborts the endpoint.
  public var inbound: Inbound { Inbound(endpoint: self) }

  /// Sends `data` to `address` (nil: the connected peer) after every datagram sent before it.
  ///
  /// Returns at once while the transport keeps up; suspends while its send queue is over the
  /// high-water mark, and returns once the datagram is handed to it. Cancelling a suspended
  /// send aborts the endpoint. It runs on the caller's executor, so a send costs no hop.
  ///
  /// - Throws: ``AsyncConnectionError/closed`` after ``close()``, the error that ended the
  ///   endpoint, or `CancellationError`.
  nonisolated(nonsending) public func send(_ data: ByteBuffer, to address: SocketAddress? = nil) async throws
  {
    try await buffers.send(OutgoingDatagram(data: data, destination: address), for: self)
  }

  /// Closes once the datagrams sent before have been handed over; ``inbound`` then ends.
  /// Idempotent.
  public func close() {
    buffers.enqueue(.close, for: self)
  }

  /// Closes at once, dropping what waits to be sent.
  public func abort() {
    buffers.failWriters(AsyncConnectionError.closed)
    bridge.withValue { $0.abort() }
  }

  /// The counters of the endpoint's buffers.
  package var statistics: ConnectionStatistics { buffers.statistics }

  /// Asks the loop to hand queued datagrams to the transport at the end of its turn (after a
  /// hop when called off its thread), so datagrams sent one by one leave as one batch.
  func requestDrain() {
    bridge.withValue { $0.loop.flushAtEndOfTurn($0) }
  }

  /// Reading never pauses for datagrams: nothing to resume.
  func requestResumeReading() {}
}

extension AsyncDatagramEndpoint {
  /// The datagrams an ``AsyncDatagramEndpoint`` receives.
  public struct Inbound: AsyncSequence, Sendable {
    /// A received datagram.
    public typealias Element = Datagram
    /// A reported error, the error that ended the endpoint, or `CancellationError`.
    public typealias Failure = any Error

    let endpoint: AsyncDatagramEndpoint

    /// Creates the iterator; one may be in use at a time.
    public func makeAsyncIterator() -> Iterator {
      Iterator(endpoint: endpoint)
    }

    /// Takes datagrams from the endpoint's inbound buffer, waiting when it is empty.
    public struct Iterator: AsyncIteratorProtocol {
      let endpoint: AsyncDatagramEndpoint

      /// The next datagram; nil once the endpoint has closed.
      ///
      /// - Throws: an error reported in the datagrams' place, the error that ended the
      ///   endpoint, or `CancellationError`.
      public mutating func next() async throws -> Datagram? {
        try await next(isolation: nil)
      }

      /// The next datagram, taken on the caller's executor (`for try await` calls this one):
      /// as ``next()``, without a hop to the global executor and back for each datagram.
      public mutating func next(isolation actor: isolated (any Actor)?) async throws -> Datagram? {
        switch try await endpoint.buffers.receive(for: endpoint) {
        case .datagram(let datagram): datagram
        case .error(let error): throw error
        case nil: nil
        }
      }
    }
  }
}
