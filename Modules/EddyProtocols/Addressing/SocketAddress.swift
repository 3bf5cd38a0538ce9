#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// An IPv4, IPv6 or Unix-domain socket address, held in its system form so that
/// converting to and from the kernel's `sockaddr` costs no allocation.
public enum SocketAddress: Sendable, Hashable, CustomStringConvertible {
  /// An IPv4 address and port.
  case ipv4(sockaddr_in)
  /// An IPv6 address and port.
  case ipv6(sockaddr_in6)
  /// A Unix-domain socket path; a path whose first byte is NUL is a Linux abstract name (the
  /// bytes after the NUL, as Python's `socket.AF_UNIX` writes it: `"\0name"`).
  case unix(path: String)

  /// A malformed address string or a path too long for a Unix socket.
  public struct InvalidAddress: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text that could not be used.
    public let text: String
    /// Why it could not be used.
    public var description: String { "invalid socket address: \(text)" }
  }

  /// Parses a numeric IPv4 or IPv6 address (no name resolution) with a port.
  public init(ipAddress: String, port: Int) throws(InvalidAddress) {
    guard (0...65535).contains(port) else { throw InvalidAddress(text: "\(ipAddress) port \(port)") }
    var v4 = sockaddr_in()
    if inet_pton(AF_INET, ipAddress, &v4.sin_addr) == 1 {
      v4.sin_family = sa_family_t(AF_INET)
      v4.sin_port = in_port_t(UInt16(port).bigEndian)
      self = .ipv4(v4)
      return
    }
    var v6 = sockaddr_in6()
    let bare =
      ipAddress.hasPrefix("[") && ipAddress.hasSuffix("]")
      ? String(ipAddress.dropFirst().dropLast()) : ipAddress
    if inet_pton(AF_INET6, bare, &v6.sin6_addr) == 1 {
      v6.sin6_family = sa_family_t(AF_INET6)
      v6.sin6_port = in_port_t(UInt16(port).bigEndian)
      self = .ipv6(v6)
      return
    }
    throw InvalidAddress(text: ipAddress)
  }

  /// A Unix-domain socket address: a filesystem path, or an abstract name when `path` begins
  /// with a NUL byte.
  public init(unixPath path: String) throws(InvalidAddress) {
    let limit = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
    // A path needs its terminating NUL; an abstract name is counted by the address length.
    let fits =
      path.utf8.first == 0 ? path.utf8.count <= limit && path.utf8.count > 1 : path.utf8.count < limit
    guard !path.isEmpty, fits else { throw InvalidAddress(text: path) }
    self = .unix(path: path)
  }

  /// A Linux abstract Unix-domain name: no file, gone when the last socket bound to it closes.
  public init(abstractUnixName name: String) throws(InvalidAddress) {
    try self.init(unixPath: "\0" + name)
  }

  /// True for a Linux abstract Unix-domain name.
  public var isAbstractUnix: Bool {
    if case .unix(let path) = self { path.utf8.first == 0 } else { false }
  }

  /// Reads a kernel socket address; nil for families Eddy does not handle.
  public init?(_ address: UnsafePointer<sockaddr>, length: socklen_t) {
    switch Int32(address.pointee.sa_family) {
    case AF_INET:
      self = .ipv4(UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in.self))
    case AF_INET6:
      self = .ipv6(UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in6.self))
    case AF_UNIX:
      let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
      let count = max(0, Int(length) - pathOffset)
      let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(address) + pathOffset, count: count)
      if bytes.first == 0 && bytes.count > 1 {
        // An abstract name: every byte the length covers, NULs included.
        self = .unix(path: String(decoding: bytes, as: UTF8.self))
      } else {
        self = .unix(path: String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self))
      }
    default:
      return nil
    }
  }

  /// The address family (`AF_INET`, `AF_INET6` or `AF_UNIX`).
  public var family: Int32 {
    switch self {
    case .ipv4: AF_INET
    case .ipv6: AF_INET6
    case .unix: AF_UNIX
    }
  }

  /// The port, or nil for a Unix address.
  public var port: Int? {
    switch self {
    case .ipv4(let address): Int(UInt16(bigEndian: address.sin_port))
    case .ipv6(let address): Int(UInt16(bigEndian: address.sin6_port))
    case .unix: nil
    }
  }

  /// The numeric host (`127.0.0.1`, `::1`) or the Unix path.
  public var host: String {
    switch self {
    case .ipv4(var address):
      return Self.presentation(family: AF_INET, &address.sin_addr, length: Int(INET_ADDRSTRLEN))
    case .ipv6(var address):
      return Self.presentation(family: AF_INET6, &address.sin6_addr, length: Int(INET6_ADDRSTRLEN))
    case .unix(let path):
      return path
    }
  }

  private static func presentation(family: Int32, _ address: UnsafeRawPointer, length: Int) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: length) { text in
      guard inet_ntop(family, address, text.baseAddress!, socklen_t(length)) != nil else { return "?" }
      return String(cString: text.baseAddress!)
    }
  }

  /// `HOST:PORT`, `[HOST]:PORT` for IPv6, `unix:PATH`, or `unix:@NAME` for an abstract name.
  public var description: String {
    switch self {
    case .ipv4: "\(host):\(port!)"
    case .ipv6: "[\(host)]:\(port!)"
    case .unix(let path): path.utf8.first == 0 ? "unix:@\(path.dropFirst())" : "unix:\(path)"
    }
  }

  /// Calls `body` with the kernel form of this address.
  public func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Result) rethrows
    -> Result
  {
    switch self {
    case .ipv4(var address):
      return try withUnsafeBytes(of: &address) {
        try body($0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
      }
    case .ipv6(var address):
      return try withUnsafeBytes(of: &address) {
        try body($0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
      }
    case .unix(let path):
      var address = sockaddr_un()
      address.sun_family = sa_family_t(AF_UNIX)
      let abstract = path.utf8.first == 0
      let copied = withUnsafeMutableBytes(of: &address.sun_path) { raw in
        let bytes = path.utf8.prefix(abstract ? raw.count : raw.count - 1)
        raw.copyBytes(from: bytes)
        return bytes.count
      }
      // The length covers the path and its NUL, or exactly the abstract name: the kernel
      // compares abstract names by length, so trailing zero bytes would make another name.
      let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + copied + (abstract ? 0 : 1)
      return try withUnsafeBytes(of: &address) {
        try body($0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(length))
      }
    }
  }

  /// Addresses are equal when their family, host bytes and port are equal.
  public static func == (lhs: SocketAddress, rhs: SocketAddress) -> Bool {
    switch (lhs, rhs) {
    case (.ipv4(let a), .ipv4(let b)):
      a.sin_port == b.sin_port && a.sin_addr.s_addr == b.sin_addr.s_addr
    case (.ipv6(var a), .ipv6(var b)):
      a.sin6_port == b.sin6_port && a.sin6_scope_id == b.sin6_scope_id
        && memcmp(&a.sin6_addr, &b.sin6_addr, MemoryLayout<in6_addr>.size) == 0
    case (.unix(let a), .unix(let b)):
      a == b
    default:
      false
    }
  }

  /// Hashes the family, host bytes and port.
  public func hash(into hasher: inout Hasher) {
    switch self {
    case .ipv4(let address):
      hasher.combine(0)
      hasher.combine(address.sin_port)
      hasher.combine(address.sin_addr.s_addr)
    case .ipv6(var address):
      hasher.combine(1)
      hasher.combine(address.sin6_port)
      withUnsafeBytes(of: &address.sin6_addr) { hasher.combine(bytes: $0) }
    case .unix(let path):
      hasher.combine(2)
      hasher.combine(path)
    }
  }
}
