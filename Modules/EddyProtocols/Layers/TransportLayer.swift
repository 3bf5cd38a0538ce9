/// A layer between a stream transport below and a protocol above: the connection facts a layer
/// does not change are forwarded from the transport below by default.
///
/// A layer names the transport below, and gets ``Transport/localAddress``, ``Transport/peerAddress``,
/// ``Transport/fileDescriptor``, ``Transport/usage`` and ``ReadTransport/callOnNextTurn(_:)`` from it,
/// and has no ``failure`` unless it says so. What a layer does change (reading,
/// writing, closing, water marks where it queues bytes of its own, `canWriteEOF`) it implements
/// itself; see docs/architecture.md, "Layers".
public protocol TransportLayer: ReadTransport {
  /// The transport below; nil before `connectionMade` and once the connection has ended.
  var transportBelow: (any StreamTransport)? { get }

  /// The error this layer is ending its connection with (a frame that failed to decode, a TLS
  /// alert), from the moment it decides to end it until it reports the end above; nil while it
  /// has none. A server reads it when the socket below closes, to tell why its connection
  /// ended (its observer and its log), since a layer that fails closes the transport below
  /// without an error of the transport's own.
  var failure: (any Error)? { get }
}

extension TransportLayer {
  /// The transport below's local address.
  public var localAddress: SocketAddress? { transportBelow?.localAddress }

  /// The transport below's peer address.
  public var peerAddress: SocketAddress? { transportBelow?.peerAddress }

  /// The transport below's descriptor. Do not read, write or close it.
  public var fileDescriptor: Int32? { transportBelow?.fileDescriptor }

  /// None: a layer that can fail on its own says so.
  public var failure: (any Error)? { nil }

  /// The usage of the transport below, which the layer reports its own buffers into.
  public var usage: ConnectionUsage? { transportBelow?.usage }

  /// Defers `work` to the next turn of the loop of the transport below; false when there is none.
  public func callOnNextTurn(_ work: @escaping () -> Void) -> Bool {
    transportBelow?.callOnNextTurn(work) ?? false
  }
}
