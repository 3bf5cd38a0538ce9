import EddyProtocols

/// The transport a ``MessageStreamProtocol`` writes typed messages to: a ``CodecLayer`` over a
/// typed codec. Everything but the message type is a stream transport's: water marks, reading
/// paused and resumed, `writeEOF`, `close` and `abort`.
public protocol MessageStreamTransport<OutboundMessage>: ReadTransport {
  /// What one message written is.
  associatedtype OutboundMessage

  /// Encodes one message and writes it. Ignored after `close`, `abort` or `writeEOF`.
  func write(_ message: OutboundMessage)

  /// Encodes the messages, in order, into one write below.
  func write(contentsOf messages: [OutboundMessage])

  /// Closes the write side once the buffer has drained; reading goes on.
  func writeEOF()

  /// True when ``writeEOF()`` is supported.
  var canWriteEOF: Bool { get }

  /// Closes at once, dropping buffered data; `connectionLost(nil)` follows.
  func abort()

  /// The number of encoded bytes waiting to be sent.
  var writeBufferSize: Int { get }

  /// The current water marks.
  var writeBufferLimits: WriteBufferLimits { get }

  /// Sets the water marks, and pauses or resumes the protocol at once if the buffer now
  /// crosses them.
  func setWriteBufferLimits(high: Int?, low: Int?)
}
