/// How ``EddyReactor/EventLoop/createDatagramEndpoint(local:remote:options:protocolFactory:)`` sets up
/// its socket.
public struct DatagramOptions: Sendable {
  /// `SO_REUSEADDR`: bind an address other sockets are bound to as well (IP only).
  public var reuseAddress: Bool
  /// `SO_REUSEPORT`: let several sockets (or processes) receive on one port (IP only).
  public var reusePort: Bool
  /// `SO_BROADCAST`: allow sending to broadcast addresses (IP only).
  public var allowBroadcast: Bool
  /// `SO_SNDBUF` in bytes; nil keeps the system's default.
  public var sendBufferSize: Int?
  /// `SO_RCVBUF` in bytes; nil keeps the system's default.
  public var receiveBufferSize: Int?
  /// Other options, set after those above.
  public var socketOptions: [SocketOption]
  /// Multicast groups to join and how multicast datagrams are sent (UDP only), set last.
  public var multicast: MulticastOptions

  /// Creates options; by default every flag is off, the system's buffer sizes are kept and no
  /// multicast group is joined.
  public init(
    reuseAddress: Bool = false, reusePort: Bool = false, allowBroadcast: Bool = false,
    sendBufferSize: Int? = nil, receiveBufferSize: Int? = nil, socketOptions: [SocketOption] = [],
    multicast: MulticastOptions = MulticastOptions()
  ) {
    self.socketOptions = socketOptions
    self.multicast = multicast
    self.reuseAddress = reuseAddress
    self.reusePort = reusePort
    self.allowBroadcast = allowBroadcast
    self.sendBufferSize = sendBufferSize
    self.receiveBufferSize = receiveBufferSize
  }
}
