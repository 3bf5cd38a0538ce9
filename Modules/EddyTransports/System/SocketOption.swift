import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The C `struct linger` (its name is taken by ``SocketOption/linger(_:)`` inside the enum).
private typealias SystemLinger = linger

/// A socket option, typed: set when a socket is made (``ConnectOptions/socketOptions``,
/// ``ServerOptions/socketOptions`` for every accepted connection, ``DatagramOptions/socketOptions``)
/// or later on a connection (`setOption(_:)` on the socket transports). TCP options on a
/// Unix-domain socket are skipped, as `TCP_NODELAY` always was.
public enum SocketOption: Sendable, Equatable, CustomStringConvertible {
  /// `TCP_NODELAY`: send small writes at once instead of waiting to coalesce them (Nagle).
  case noDelay(Bool)
  /// `SO_KEEPALIVE` with `TCP_KEEPIDLE`, `TCP_KEEPINTVL` and `TCP_KEEPCNT`; nil turns probing off.
  case keepAlive(KeepAlive?)
  /// `SO_RCVBUF` in bytes (Linux reserves twice this for its bookkeeping and reports that).
  case receiveBufferSize(Int)
  /// `SO_SNDBUF` in bytes (reported doubled by Linux, as above).
  case sendBufferSize(Int)
  /// `SO_LINGER`: nil (the default) lets `close` return at once while the kernel sends what is
  /// left; `.zero` makes closing the socket reset the connection (RST) and drop unsent data; a
  /// positive duration makes the close wait that long (whole seconds) for unsent data.
  case linger(Duration?)
  /// `TCP_USER_TIMEOUT`: how long sent data may stay unacknowledged before the connection is
  /// dropped (Linux; milliseconds).
  case userTimeout(Duration)
  /// The IP traffic class: `IP_TOS` on IPv4, `IPV6_TCLASS` on IPv6 (DSCP and ECN bits).
  case trafficClass(UInt8)
  /// Any integer option, as `setsockopt(fd, level, name, &value, 4)` takes it.
  case raw(level: Int32, name: Int32, value: Int32)

  /// TCP keep-alive probing.
  public struct KeepAlive: Sendable, Equatable {
    /// Quiet time before the first probe (whole seconds).
    public var idle: Duration
    /// Time between probes (whole seconds).
    public var interval: Duration
    /// Unanswered probes before the connection is dropped.
    public var count: Int

    /// Probing after `idle`, every `interval`, `count` times.
    public init(idle: Duration, interval: Duration, count: Int) {
      self.idle = idle
      self.interval = interval
      self.count = count
    }
  }

  /// The option as C names it, with its value.
  public var description: String {
    switch self {
    case .noDelay(let on): "TCP_NODELAY=\(on ? 1 : 0)"
    case .keepAlive(let keepAlive?):
      "SO_KEEPALIVE=1 TCP_KEEPIDLE=\(keepAlive.idle) TCP_KEEPINTVL=\(keepAlive.interval) TCP_KEEPCNT=\(keepAlive.count)"
    case .keepAlive(nil): "SO_KEEPALIVE=0"
    case .receiveBufferSize(let size): "SO_RCVBUF=\(size)"
    case .sendBufferSize(let size): "SO_SNDBUF=\(size)"
    case .linger(let time?): "SO_LINGER=\(time)"
    case .linger(nil): "SO_LINGER=off"
    case .userTimeout(let time): "TCP_USER_TIMEOUT=\(time)"
    case .trafficClass(let value): "IP_TOS/IPV6_TCLASS=\(value)"
    case .raw(let level, let name, let value): "option \(level)/\(name)=\(value)"
    }
  }

  /// Sets the option on `fd`, a socket of `family`.
  package func apply(to fd: Int32, family: Int32) throws(SystemError) {
    let tcp = family == AF_INET || family == AF_INET6
    switch self {
    case .noDelay(let on):
      if tcp { try Socket.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, on ? 1 : 0) }
    case .keepAlive(let keepAlive):
      try Socket.setOption(fd, SOL_SOCKET, SO_KEEPALIVE, keepAlive == nil ? 0 : 1)
      guard tcp, let keepAlive else { return }
      #if os(Linux)
        try Socket.setOption(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, Self.seconds(keepAlive.idle))
      #else
        try Socket.setOption(fd, Int32(IPPROTO_TCP), TCP_KEEPALIVE, Self.seconds(keepAlive.idle))
      #endif
      try Socket.setOption(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, Self.seconds(keepAlive.interval))
      try Socket.setOption(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, Int32(clamping: keepAlive.count))
    case .receiveBufferSize(let size):
      try Socket.setOption(fd, SOL_SOCKET, SO_RCVBUF, Int32(clamping: size))
    case .sendBufferSize(let size):
      try Socket.setOption(fd, SOL_SOCKET, SO_SNDBUF, Int32(clamping: size))
    case .linger(let time):
      var value = SystemLinger(l_onoff: time == nil ? 0 : 1, l_linger: time.map(Self.seconds) ?? 0)
      guard setsockopt(fd, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<SystemLinger>.size)) == 0
      else {
        throw SystemError("setsockopt")
      }
    case .userTimeout(let time):
      #if os(Linux)
        if tcp {
          let milliseconds = Int32(
            clamping: time.components.seconds * 1000 + time.components.attoseconds / 1_000_000_000_000_000)
          try Socket.setOption(fd, Int32(IPPROTO_TCP), Int32(TCP_USER_TIMEOUT), milliseconds)
        }
      #endif
    case .trafficClass(let value):
      if family == AF_INET { try Socket.setOption(fd, Int32(IPPROTO_IP), IP_TOS, Int32(value)) }
      if family == AF_INET6 { try Socket.setOption(fd, Int32(IPPROTO_IPV6), IPV6_TCLASS, Int32(value)) }
    case .raw(let level, let name, let value):
      try Socket.setOption(fd, level, name, value)
    }
  }

  /// Applies every option of `options` to `fd`, in order.
  package static func apply(_ options: [SocketOption], to fd: Int32, family: Int32) throws(SystemError) {
    for option in options { try option.apply(to: fd, family: family) }
  }

  /// Reads an integer option of `fd`.
  package static func value(of fd: Int32, level: Int32, name: Int32) throws(SystemError) -> Int32 {
    var value: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    guard getsockopt(fd, level, name, &value, &length) == 0 else { throw SystemError("getsockopt") }
    return value
  }

  private static func seconds(_ duration: Duration) -> Int32 {
    Int32(clamping: duration.components.seconds)
  }
}
