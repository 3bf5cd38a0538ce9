import EddyProtocols

extension TLSLayer {
  /// Wraps a protocol factory so that every connection it serves runs TLS underneath: pass the
  /// result as `protocolFactory` to `createServer` (with a server context) or
  /// `createConnection` (with a client context).
  ///
  /// ```swift
  /// let tls = try TLSContext(.server(certificatePath: cert, keyPath: key, timer: .eventLoop))
  /// let server = try loop.createServer(
  ///   host: "127.0.0.1", port: 8443, protocolFactory: TLSLayer.factory(context: tls) { Echo() })
  /// ```
  ///
  /// The protocol `makeProtocol` returns gets `connectionMade` once the handshake completes;
  /// handshake failures go to `onHandshakeFailure` (or the configuration's logger).
  public static func factory(
    context: TLSContext, serverName: String? = nil,
    onHandshakeFailure: (@Sendable (TLSError) -> Void)? = nil,
    _ makeProtocol: @escaping @Sendable () -> any StreamProtocol
  ) -> @Sendable () -> any StreamProtocol {
    {
      TLSLayer(
        context: context, serverName: serverName, protocol: makeProtocol(),
        onHandshakeFailure: onHandshakeFailure)
    }
  }

  /// Upgrades an established connection to TLS in place (STARTTLS): the layer becomes the
  /// transport's protocol, the handshake starts at once, and `protocol` gets `connectionMade`
  /// with the layer once it completes. Bytes the transport already holds for writing go out
  /// before the handshake. Call on the transport's loop thread, typically from its protocol.
  ///
  /// - Returns: the layer, for inspecting what was negotiated.
  @discardableResult
  public static func startTLS(
    on transport: any StreamTransport, context: TLSContext, serverName: String? = nil,
    protocol upper: any StreamProtocol, onHandshakeFailure: ((TLSError) -> Void)? = nil
  ) -> TLSLayer {
    let layer = TLSLayer(
      context: context, serverName: serverName, protocol: upper, onHandshakeFailure: onHandshakeFailure)
    transport.setProtocol(layer)
    layer.attach(transport)
    return layer
  }
}
