import Glibc

/// A client of the benchmark's own thread, on blocking POSIX sockets with buffers made once, so
/// that it allocates nothing per message and what an allocation benchmark counts is the server's.
/// Under `zlib`, it compresses what it sends and decompresses what it reads with zlib called
/// directly (``PlainDeflater``, ``PlainInflater``), which allocates only when a stream starts.
final class BlockingEchoClient {
  private let descriptor: Int32
  private let deflater: PlainDeflater?
  private let inflater: PlainInflater?
  private let wire = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
  private let plain = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

  /// Connects to 127.0.0.1:`port`; with `zlib`, every message goes through a zlib stream each way.
  init(port: Int, zlib: Bool = false) throws {
    descriptor = try Self.connect(port: port)
    deflater = zlib ? PlainDeflater(level: -1) : nil
    inflater = zlib ? PlainInflater() : nil
  }

  deinit {
    close(descriptor)
    wire.deallocate()
    plain.deallocate()
  }

  /// Opens a blocking TCP connection to 127.0.0.1:`port` with Nagle's delay off.
  static func connect(port: Int) throws -> Int32 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw BenchmarkSetupError("socket: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      close(descriptor)
      throw BenchmarkSetupError("connect to 127.0.0.1:\(port): errno \(errno)")
    }
    var on: Int32 = 1
    setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    return descriptor
  }

  /// Sends `message` and reads until its echo, as many bytes again, is back; traps on a short or
  /// wrong echo, so a benchmark never counts a broken exchange.
  func roundTrip(_ message: UnsafeRawBufferPointer) {
    if let deflater {
      let compressed = deflater.compress(message, into: wire)
      Self.sendAll(descriptor, UnsafeRawBufferPointer(rebasing: wire[..<compressed]))
    } else {
      Self.sendAll(descriptor, message)
    }
    var echoed = 0
    while echoed < message.count {
      let count = recv(descriptor, wire.baseAddress!, wire.count, 0)
      precondition(count > 0, "the echo server closed or failed (errno \(errno)) after \(echoed) bytes")
      if let inflater {
        echoed += inflater.decompress(
          UnsafeRawBufferPointer(rebasing: wire[..<count]),
          into: UnsafeMutableRawBufferPointer(rebasing: plain[echoed...]))
      } else {
        precondition(
          memcmp(wire.baseAddress!, message.baseAddress! + echoed, count) == 0,
          "the echo differs from the message")
        echoed += count
      }
    }
    precondition(echoed == message.count, "the echo is longer than the message")
    if inflater != nil {
      precondition(
        memcmp(plain.baseAddress!, message.baseAddress!, echoed) == 0, "the echo differs from the message")
    }
  }

  /// Opens a connection, sends `message`, reads its echo into `echo` (as long as `message`) and
  /// closes: a whole connection's life with nothing allocated on this side.
  static func exchangeOnce(port: Int, message: [UInt8], echo: inout [UInt8]) throws {
    let descriptor = try connect(port: port)
    defer { close(descriptor) }
    message.withUnsafeBytes { sendAll(descriptor, $0) }
    var echoed = 0
    echo.withUnsafeMutableBytes { buffer in
      while echoed < buffer.count {
        let count = recv(descriptor, buffer.baseAddress! + echoed, buffer.count - echoed, 0)
        precondition(count > 0, "the echo server closed or failed (errno \(errno)) after \(echoed) bytes")
        echoed += count
      }
    }
  }

  /// Writes all of `bytes` to a blocking socket.
  static func sendAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) {
    var sent = 0
    while sent < bytes.count {
      let count = send(descriptor, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
      precondition(count > 0, "send failed: errno \(errno)")
      sent += count
    }
  }
}

/// A benchmark could not set up its server or client.
struct BenchmarkSetupError: Error, CustomStringConvertible {
  /// What failed.
  let description: String

  init(_ description: String) {
    self.description = description
  }
}
