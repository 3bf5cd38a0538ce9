import EddyProtocols

/// One datagram and the address it came from (or goes to).
public struct Datagram: Sendable, Equatable {
  /// The payload, possibly empty.
  public var data: ByteBuffer
  /// The sender of a received datagram.
  public var address: SocketAddress

  /// Creates a datagram.
  public init(data: ByteBuffer, address: SocketAddress) {
    self.data = data
    self.address = address
  }
}

/// What a datagram endpoint's inbound queue holds: a datagram, or an error the system reported
/// without ending the endpoint, in the order they happened.
enum DatagramArrival: InboundElement {
  case datagram(Datagram)
  case error(any Error)

  var byteCount: Int {
    if case .datagram(let datagram) = self { return datagram.data.readableBytes }
    return 0
  }

  func compacted() -> DatagramArrival {
    guard case .datagram(var datagram) = self else { return self }
    datagram.data = datagram.data.compacted()
    return .datagram(datagram)
  }
}

/// A datagram waiting to be sent: the payload and its destination (nil: the connected peer).
struct OutgoingDatagram: QueueElement {
  var data: ByteBuffer
  var destination: SocketAddress?

  var byteCount: Int { data.readableBytes }
}

/// The buffers of a datagram endpoint.
typealias DatagramBuffers = ConnectionBuffers<DatagramArrival, OutgoingDatagram>
