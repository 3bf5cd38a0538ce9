#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A TCP socket on 127.0.0.1 that listens with the smallest backlog and never accepts: once its
/// queue is full, further connection attempts hang, their SYNs dropped.
final class UnacceptingListener {
  let fd: Int32
  let port: Int

  init() {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
        precondition(bind(fd, raw, length) == 0, "bind failed")
        precondition(listen(fd, 0) == 0, "listen failed")
        precondition(getsockname(fd, raw, &length) == 0, "getsockname failed")
      }
    }
    self.fd = fd
    self.port = Int(UInt16(bigEndian: address.sin_port))
  }

  deinit { close(fd) }
}

/// The number of this machine's TCP sockets in `SYN_SENT` towards `port` on loopback: a
/// connection attempt whose socket is still open.
func connectingSockets(toPort port: Int) -> Int {
  guard let file = fopen("/proc/net/tcp", "r") else { return 0 }
  defer { fclose(file) }
  let wanted = String(port, radix: 16, uppercase: true)
  let target = String(repeating: "0", count: 4 - wanted.count) + wanted
  var count = 0
  var line: UnsafeMutablePointer<CChar>?
  var capacity = 0
  defer { free(line) }
  while getline(&line, &capacity, file) > 0 {
    let fields = String(cString: line!).split(separator: " ")
    // fields: slot, local address, remote address, state, ...
    guard fields.count > 3, fields[2].hasSuffix(":" + target), fields[3] == "02" else { continue }
    count += 1
  }
  return count
}
