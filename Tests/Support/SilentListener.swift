import EddyProtocols

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A loopback address whose SYNs go unanswered, as a black-holed route would leave them: a
/// listener that never accepts, its accept queue already full, so the kernel drops new SYNs and
/// a connection attempt to it neither succeeds nor fails.
package final class SilentListener {
  private var descriptors: [Int32] = []
  /// The address to connect to.
  package let address: SocketAddress
  /// Its port.
  package var port: Int { address.port! }

  /// A silent listener on `host` (`127.0.0.1` or `::1`), on a port the kernel picks.
  package init(host: String = "127.0.0.1") throws {
    let requested = try SocketAddress(ipAddress: host, port: 0)
    let listener = socket(requested.family, Int32(SOCK_STREAM.rawValue), 0)
    descriptors.append(listener)
    guard requested.withSockAddr({ bind(listener, $0, $1) }) == 0, listen(listener, 0) == 0 else {
      throw SilentListenerError(description: "cannot listen on \(host): errno \(errno)")
    }
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let bound = withUnsafeMutablePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        getsockname(listener, pointer, &length) == 0 ? SocketAddress(pointer, length: length) : nil
      }
    }
    guard let bound else { throw SilentListenerError(description: "getsockname: errno \(errno)") }
    address = bound
    // A backlog of 0 holds one connection; two more attempts fill what the kernel allows.
    for _ in 0..<3 {
      let filler = socket(bound.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
      descriptors.append(filler)
      _ = bound.withSockAddr { connect(filler, $0, $1) }
    }
    usleep(100_000)
  }

  deinit {
    for descriptor in descriptors { close(descriptor) }
  }

  /// Sockets of this machine still sending SYNs to the address (`SYN_SENT` in /proc/net).
  package var connectsInProgress: Int {
    guard let file = fopen(address.family == AF_INET6 ? "/proc/net/tcp6" : "/proc/net/tcp", "r") else {
      return -1
    }
    defer { fclose(file) }
    let hex = String(port, radix: 16, uppercase: true)
    let suffix = ":" + String(repeating: "0", count: 4 - hex.count) + hex
    var count = 0
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), file) != nil {
      let fields = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .split(separator: " ")
      // sl, local, remote, state: state 02 is SYN_SENT.
      if fields.count > 3 && fields[2].hasSuffix(suffix) && fields[3] == "02" { count += 1 }
    }
    return count
  }
}

/// Why a ``SilentListener`` could not be set up.
package struct SilentListenerError: Error, CustomStringConvertible {
  /// What failed.
  package let description: String
}
