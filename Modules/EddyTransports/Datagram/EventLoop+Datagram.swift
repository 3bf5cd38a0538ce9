import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension EventLoop {
  /// Creates a UDP or Unix-domain datagram endpoint: bound to `local`, connected to `remote`,
  /// or both, with a protocol made by `protocolFactory`, whose `connectionMade` has been called
  /// when this returns.
  ///
  /// A connected endpoint sends to `remote` only, receives only from it, and hears of ICMP
  /// errors (such as `ECONNREFUSED` when nothing listens there) through `errorReceived`. A
  /// stale socket file at a local Unix path is replaced, and the path is removed when the
  /// endpoint closes. Call from the loop's thread.
  public func createDatagramEndpoint(
    local: SocketAddress? = nil, remote: SocketAddress? = nil, options: DatagramOptions = DatagramOptions(),
    protocolFactory: () -> any DatagramProtocol
  ) throws(DatagramEndpointError) -> DatagramSocketTransport {
    assertInLoopThread()
    guard let family = local?.family ?? remote?.family else { throw .noAddress }
    if let local, let remote, local.family != remote.family {
      throw .familyMismatch(local: local, remote: remote)
    }
    let fd: Int32
    do {
      fd = try Socket.make(family: family, type: Socket.datagramType)
    } catch {
      throw .system(error)
    }
    var boundFile: BoundSocketFile?
    do throws(DatagramEndpointError) {
      try Self.configure(fd, family: family, options: options)
      if let local {
        if case .unix(let path) = local { UnixSocketPath.removeStaleSocket(at: path) }
        do { try Socket.bind(fd, address: local) } catch { throw .bindFailed(address: local, error: error) }
        if case .unix(let path) = local { boundFile = BoundSocketFile(path: path) }
      }
      if let remote {
        do { _ = try Socket.connect(fd, address: remote) } catch {
          throw .connectFailed(address: remote, error: error)
        }
      }
    } catch {
      systemClose(fd)
      boundFile?.remove()
      throw error
    }
    let transport = DatagramSocketTransport(
      loop: self, fd: fd, protocol: protocolFactory(), connectedPeer: remote, boundFile: boundFile)
    do {
      try transport.start()
    } catch {
      throw .system(error)
    }
    return transport
  }

  private static func configure(_ fd: Int32, family: Int32, options: DatagramOptions)
    throws(DatagramEndpointError)
  {
    do {
      if family != AF_UNIX {
        if options.reuseAddress { try Socket.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1) }
        if options.reusePort { try Socket.setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1) }
        if options.allowBroadcast { try Socket.setOption(fd, SOL_SOCKET, SO_BROADCAST, 1) }
      }
      if let size = options.sendBufferSize {
        try Socket.setOption(fd, SOL_SOCKET, SO_SNDBUF, Int32(clamping: size))
      }
      if let size = options.receiveBufferSize {
        try Socket.setOption(fd, SOL_SOCKET, SO_RCVBUF, Int32(clamping: size))
      }
      try SocketOption.apply(options.socketOptions, to: fd, family: family)
    } catch {
      throw .system(error)
    }
    do { try options.multicast.apply(to: fd, family: family) } catch { throw .multicast(error) }
  }
}
