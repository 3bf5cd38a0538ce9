/// A protocol for datagram endpoints (UDP, Unix datagram sockets).
public protocol DatagramProtocol: BaseProtocol {
  /// Called exactly once when the endpoint is ready, before any other callback.
  func connectionMade(_ transport: any DatagramTransport)

  /// Called with each datagram received (possibly empty) and the address it came from.
  func datagramReceived(_ data: ByteBuffer, from address: SocketAddress)

  /// Called when a send or receive failed without ending the endpoint, for example
  /// ICMP port unreachable on a connected socket.
  func errorReceived(_ error: any Error)
}

extension DatagramProtocol {
  /// Does nothing.
  public func connectionMade(_ transport: any DatagramTransport) {}
  /// Does nothing.
  public func datagramReceived(_ data: ByteBuffer, from address: SocketAddress) {}
  /// Does nothing.
  public func errorReceived(_ error: any Error) {}
}
