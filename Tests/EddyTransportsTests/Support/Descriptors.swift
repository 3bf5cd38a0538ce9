import EddyTestSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The open TCP sockets bound to local port `port`: the listener and accepted connections of
/// one test's server, told apart from the descriptors of its clients and of other tests.
func serverSockets(port: Int) -> Int {
  openDescriptors().count { localPort($0) == port }
}

private func localPort(_ fd: Int32) -> Int? { port(fd, getsockname) }

private func port(
  _ fd: Int32, _ call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
) -> Int? {
  var storage = sockaddr_in()
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let result = withUnsafeMutablePointer(to: &storage) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(fd, $0, &length) }
  }
  guard result == 0, storage.sin_family == sa_family_t(AF_INET) else { return nil }
  return Int(UInt16(bigEndian: storage.sin_port))
}

/// The resident memory of this process, in bytes, from /proc/self/statm.
func residentBytes() -> Int {
  guard let file = fopen("/proc/self/statm", "r") else { return 0 }
  defer { fclose(file) }
  var line = [CChar](repeating: 0, count: 256)
  guard fgets(&line, Int32(line.count), file) != nil else { return 0 }
  let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  let fields = text.split(separator: " ")
  guard fields.count >= 2, let pages = Int(fields[1]) else { return 0 }
  return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
