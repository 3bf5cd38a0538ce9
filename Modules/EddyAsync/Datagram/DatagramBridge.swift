import EddyProtocols
import EddyReactor

/// The datagram protocol behind an ``AsyncDatagramEndpoint``: it lives on the transport's loop,
/// feeds received datagrams and reported errors to the inbound queue, and hands queued
/// datagrams to the transport while it is not paused.
final class DatagramBridge: DatagramProtocol, OutboundDraining {
  let loop: EventLoop
  let buffers: DatagramBuffers
  /// The transport, from `connectionMade` until `connectionLost`.
  var transport: (any DatagramTransport)?
  var drainState = OutboundDrainState<OutgoingDatagram>()

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

  /// The transport's write buffer size, 0 without a transport.
  var transportWriteBufferSize: Int { transport?.writeBufferSize ?? 0 }

  /// Sends the batch's datagrams, in order, then performs its close.
  func hand(_ batch: OutboundQueue<OutgoingDatagram>.Batch) {
    guard let transport else { return }
    for datagram in batch.elements { transport.send(datagram.data, to: datagram.destination) }
    if batch.command == .close { transport.close() }
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
