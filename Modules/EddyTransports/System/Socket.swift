import CEddySystem
import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Thin, typed wrappers over the socket system calls Eddy uses. Every descriptor made here is
/// non-blocking and close-on-exec.
enum Socket {
  #if os(Linux)
    static let streamType = Int32(SOCK_STREAM.rawValue)
    static let datagramType = Int32(SOCK_DGRAM.rawValue)
    /// Suppresses SIGPIPE on a send to a closed peer.
    static let noSignal = Int32(MSG_NOSIGNAL)
  #else
    static let streamType = SOCK_STREAM
    static let datagramType = SOCK_DGRAM
    static let noSignal: Int32 = 0
  #endif

  /// A new non-blocking socket.
  static func make(family: Int32, type: Int32) throws(SystemError) -> Int32 {
    let fd = eddy_socket(family, type, 0)
    guard fd >= 0 else { throw SystemError("socket") }
    #if canImport(Darwin)
      try? setOption(fd, SOL_SOCKET, SO_NOSIGPIPE, 1)
    #endif
    return fd
  }

  static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws(SystemError) {
    var value = value
    guard setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
      throw SystemError("setsockopt")
    }
  }

  /// The pending error of a socket (`SO_ERROR`), 0 when there is none.
  static func pendingError(_ fd: Int32) -> Int32 {
    var value: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) == 0 else { return currentErrno() }
    return value
  }

  static func bind(_ fd: Int32, address: SocketAddress) throws(SystemError) {
    let result = address.withSockAddr { systemBind(fd, $0, $1) }
    guard result == 0 else { throw SystemError("bind") }
  }

  /// Starts a non-blocking connect; true when it completed at once, false when in progress.
  static func connect(_ fd: Int32, address: SocketAddress) throws(SystemError) -> Bool {
    while true {
      let result = address.withSockAddr { systemConnect(fd, $0, $1) }
      if result == 0 { return true }
      switch currentErrno() {
      case EINTR: continue
      case EINPROGRESS: return false
      default: throw SystemError("connect")
      }
    }
  }

  static func localAddress(_ fd: Int32) -> SocketAddress? {
    address(fd, getsockname)
  }

  static func peerAddress(_ fd: Int32) -> SocketAddress? {
    address(fd, getpeername)
  }

  private static func address(
    _ fd: Int32, _ call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
  ) -> SocketAddress? {
    var storage = sockaddr_storage()
    var length = eddy_sockaddr_storage_size()
    return withUnsafeMutableBytes(of: &storage) { raw in
      let pointer = raw.baseAddress!.assumingMemoryBound(to: sockaddr.self)
      guard call(fd, pointer, &length) == 0 else { return nil }
      return SocketAddress(pointer, length: length)
    }
  }
}

private func systemBind(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
  bind(fd, address, length)
}

private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
  connect(fd, address, length)
}
