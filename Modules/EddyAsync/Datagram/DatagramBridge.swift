import EddyProtocols
import EddyReactor

/// The datagram protocol behind an ``AsyncDatagramEndpoint``: it lives on the transport's loop,
/// feeds received datagrams and reported errors to the inbound queue, and hands queued
/// datagrams to the transport while it is not paused.
final class DatagramBridge: DatagramProtocol {
  let loop: EventLoop
  let buffers: DatagramBuffers
  /// The transport, from `connectionMade` until `connectionLost`.
  private(set) var transport: (any DatagramTransport)?
  private var batch = OutboundQueue<OutgoingDatagram>.Batch()
  private var isDraining = false
  /// Set when a drain was asked for while one ran.
  private var drainAgain = false

  init(loop: EventLoop, configuration: AsyncDatagramConfiguration) {
    self.loop = loop
    self.buffers = DatagramBuffers(
      inboundLimits: configuration.inboundLimits, stagingLimit: configuration.stagingLimit,
      canPauseReading: false)
  }

  func connectionMade(_ transport: any DatagramTransport) {
    self.transport = transport
  }

  func datagramReceived(_ data: ByteBuffer, from address: SocketAddress) {
    arrive(.datagram(Datagram(data: data, address: address)))
  }

  func errorReceived(_ error: any Error) {
    arrive(.error(error))
  }

  private func arrive(_ arrival: DatagramArrival) {
    if case .deliver(let waiter, let element) = buffers.inbound.withLock({ $0.receive(arrival) }) {
      waiter.resume(returning: element)
    }
  }

  func connectionLost(_ error: (any Error)?) {
    transport = nil
    buffers.end(error: error, writeError: error ?? AsyncConnectionError.closed)
  }

  func pauseWriting() {
    buffers.outbound.withLock { $0.pause() }
  }

  func resumeWriting() {
    if buffers.outbound.withLock({ $0.resume() }) { drain() }
  }

  /// Hands queued datagrams to the transport, in order, until the queue is empty or the
  /// transport pauses; as `StreamBridge.drain`, a drain asked for meanwhile continues this one.
  func drain() {
    guard !isDraining else {
      drainAgain = true
      return
    }
    isDraining = true
    defer { isDraining = false }
    var more = true
    while more || drainAgain {
      drainAgain = false
      more = buffers.outbound.withLock {
        $0.takeBatch(into: &batch, transportBuffer: transport?.writeBufferSize ?? 0)
      }
      if let transport {
        for datagram in batch.elements { transport.send(datagram.data, to: datagram.destination) }
        if batch.command == .close { transport.close() }
      }
      for waiter in batch.waiters { waiter.resume() }
      batch.removeAll()
    }
  }

  /// Closes the transport at once, dropping what it buffered.
  func abort() {
    transport?.abort()
  }
}

extension DatagramBridge: EndOfTurnFlushable {
  /// Hands what the tasks wrote during the turn to the transport, as one batch.
  func flushAtEndOfTurn() { drain() }
}
