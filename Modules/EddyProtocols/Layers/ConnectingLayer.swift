/// A layer that connects the protocol above only after work of its own (TLS, after its
/// handshake), and can therefore end before it ever does.
///
/// Whoever waits for the connection below such a layer (the async `connect`, say) learns from
/// ``failureBeforeConnecting`` why it ended, once the transport below has reported the end: the
/// layer's own error (a `TLSError`), not the bare end of the socket that the layer aborted.
public protocol ConnectingLayer: StreamProtocol {
  /// Why the layer ended before connecting the protocol above; nil while it has not ended that
  /// way.
  var failureBeforeConnecting: (any Error)? { get }
}
