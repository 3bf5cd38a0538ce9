import EddyProtocols

/// A datagram that could not be sent or received, reported through
/// ``/EddyProtocols/DatagramProtocol/errorReceived(_:)``; the endpoint stays open.
public enum DatagramError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `send` without an address on an endpoint that is not connected.
  case destinationRequired
  /// `send` to an address other than the peer of a connected endpoint.
  case destinationMismatch(SocketAddress)
  /// A received datagram was larger than the `capacity` bytes an endpoint receives into; the
  /// kernel kept only its start, so it was discarded.
  case truncated(capacity: Int)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .destinationRequired: "the endpoint is not connected: a destination address is required"
    case .destinationMismatch(let address): "the endpoint is connected to another peer than \(address)"
    case .truncated(let capacity): "a datagram larger than \(capacity) bytes was discarded"
    }
  }
}
