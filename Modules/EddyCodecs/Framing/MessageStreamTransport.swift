import EddyProtocols

/// The transport a ``MessageStreamProtocol`` writes typed messages to: a ``CodecLayer`` over a
/// typed codec. Everything but the message type is a stream transport's: water marks, reading
/// paused and resumed, `writeEOF`, `close` and `abort`.
public protocol MessageStreamTransport<OutboundMessage>: ReadTransport, WriteControl {
  /// What one message written is.
  associatedtype OutboundMessage

  /// Encodes one message and writes it. Ignored after `close`, `abort` or `writeEOF`.
  func write(_ message: OutboundMessage)

  /// Encodes the messages, in order, into one write below.
  func write(contentsOf messages: [OutboundMessage])
}
