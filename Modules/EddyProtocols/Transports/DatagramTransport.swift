/// A datagram endpoint: UDP or a Unix datagram socket.
public protocol DatagramTransport: Transport {
  /// Sends one datagram to `address`, or to the connected peer when `address` is nil.
  /// A datagram that cannot be sent now is queued, in order, up to the water marks.
  func send(_ data: ByteBuffer, to address: SocketAddress?)

  /// Closes at once, dropping queued datagrams; `connectionLost(nil)` follows.
  func abort()

  /// The number of bytes queued to send.
  var writeBufferSize: Int { get }

  /// The current water marks.
  var writeBufferLimits: WriteBufferLimits { get }

  /// Sets the water marks and pauses or resumes the protocol at once if the queue crosses them.
  func setWriteBufferLimits(high: Int?, low: Int?)
}
