import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Host name resolution. Numeric addresses resolve at once; names go through `getaddrinfo`,
/// which blocks, so ``resolve(host:port:on:_:)`` runs it on a thread of its own.
enum Resolver {
  /// Resolves synchronously on the calling thread.
  static func resolveNow(host: String, port: Int, passive: Bool = false) throws(ConnectError)
    -> [SocketAddress]
  {
    // getaddrinfo would take "70000" as port 4464: a port out of range is refused, not wrapped.
    guard (0...65535).contains(port) else {
      throw .resolutionFailed(
        host: host, code: EAI_SERVICE, message: "port \(port) is out of range (0 to 65535)")
    }
    if let numeric = try? SocketAddress(ipAddress: host, port: port) { return [numeric] }
    var hints = addrinfo()
    hints.ai_socktype = Socket.streamType
    hints.ai_flags = passive ? AI_PASSIVE : 0
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0, let first = list else {
      throw .resolutionFailed(host: host, code: status, message: String(cString: gai_strerror(status)))
    }
    defer { freeaddrinfo(first) }
    var addresses: [SocketAddress] = []
    var cursor: UnsafeMutablePointer<addrinfo>? = first
    while let entry = cursor {
      if let address = entry.pointee.ai_addr,
        let parsed = SocketAddress(address, length: entry.pointee.ai_addrlen),
        !addresses.contains(parsed)
      {
        addresses.append(parsed)
      }
      cursor = entry.pointee.ai_next
    }
    return addresses
  }

  /// Resolves off the loop's thread and calls `completion` on it.
  static func resolve(
    host: String, port: Int, on loop: EventLoop,
    _ completion: @escaping @Sendable (Result<[SocketAddress], ConnectError>) -> Void
  ) {
    if let numeric = try? SocketAddress(ipAddress: host, port: port) {
      loop.execute { completion(.success([numeric])) }
      return
    }
    EventLoopGroup.detach {
      let result = Result { () throws(ConnectError) in try resolveNow(host: host, port: port) }
      loop.execute { completion(result) }
    }
  }
}
