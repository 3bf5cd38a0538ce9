import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A transport over a socket of its own (a stream connection or a datagram endpoint): its
/// socket options can be set and read while it is open.
public protocol SocketTransport: Transport {}

extension SocketTransport {
  /// Sets a socket option now (see ``SocketOption``).
  ///
  /// - Throws: `SystemError` when the system refuses it, or `EBADF` once the transport closed.
  public func setOption(_ option: SocketOption) throws(SystemError) {
    guard let fd = fileDescriptor else { throw SystemError("setsockopt", errno: EBADF) }
    try option.apply(to: fd, family: localAddress?.family ?? AF_UNIX)
  }

  /// Reads an integer socket option, as `getsockopt` gives it.
  public func getOption(level: Int32, name: Int32) throws(SystemError) -> Int32 {
    guard let fd = fileDescriptor else { throw SystemError("getsockopt", errno: EBADF) }
    return try SocketOption.value(of: fd, level: level, name: name)
  }
}

extension DescriptorStreamTransport: SocketTransport {}
extension DatagramSocketTransport: SocketTransport {}
