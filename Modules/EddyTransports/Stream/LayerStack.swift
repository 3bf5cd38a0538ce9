import EddyProtocols

/// The layers stacked over a transport (a codec layer, TLS, a user's), walked upward through
/// each one's protocol above.
enum LayerStack {
  /// The highest layer stacked over `transport` that is a stream transport itself (the
  /// transport when none is): where a server closes a connection so that every layer ends its
  /// stream (TLS sends close_notify, a codec its trailer) before the socket closes.
  static func outermost(over transport: any StreamTransport) -> any StreamTransport {
    walk(over: transport) { _ in }
  }

  /// Why a connection ended, as seen when its socket closes: the failure of the highest layer
  /// that has one (the layer that decided to end the connection closes the ones below it, which
  /// have none), else `transportError`. A decode error closes the socket gracefully, so the
  /// socket's own error is nil then.
  static func endReason(over transport: any StreamTransport, transportError: (any Error)?) -> (any Error)? {
    var found: (any Error)?
    walk(over: transport) { layer in
      if let failure = layer.failure { found = failure }
    }
    return found ?? transportError
  }

  /// Visits every layer over `transport`, lowest first; returns the highest stream transport.
  @discardableResult
  private static func walk(
    over transport: any StreamTransport, _ visit: (any TransportLayer) -> Void
  ) -> any StreamTransport {
    var top = transport
    // A stack is a few layers deep; the bound only keeps a cycle from looping forever.
    for _ in 0..<64 {
      guard let layer = top.streamProtocol as? any TransportLayer else { break }
      visit(layer)
      guard let next = layer as? any StreamTransport else { break }
      top = next
    }
    return top
  }
}
