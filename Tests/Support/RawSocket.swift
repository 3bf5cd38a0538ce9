import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A blocking stream client socket (TCP or Unix) driven straight from a test, for peers that misbehave in ways a
/// well-behaved transport cannot: never reading, dribbling bytes, resetting. Long blocking reads
/// run on a thread of their own (``receiveAll(limit:)``), so they do not hold up other tests.
package final class RawSocket: @unchecked Sendable {
  /// The socket.
  package let fd: Int32

  /// Connects to `address`, with send and receive timeouts of `timeoutSeconds`; nil on failure.
  package init?(connectingTo address: SocketAddress, receiveBuffer: Int32? = nil, timeoutSeconds: Int = 5) {
    fd = socket(address.family, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    if var size = receiveBuffer {
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    guard address.withSockAddr({ connect(fd, $0, $1) }) == 0 else {
      close(fd)
      return nil
    }
  }

  deinit { close(fd) }

  /// Sends every byte; false if the connection failed first.
  @discardableResult
  package func send(_ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes {
        Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      if sent < 0 && errno == EINTR { continue }
      guard sent > 0 else { return false }
      offset += sent
    }
    return true
  }

  /// Receives up to `count` bytes; empty at end of stream, nil on error or timeout.
  package func receive(upTo count: Int = 65_536) -> [UInt8]? {
    var bytes = [UInt8](repeating: 0, count: count)
    var received = recv(fd, &bytes, count, 0)
    // A call with a timeout is not restarted when interrupted; in a process whose loops run on
    // io_uring the kernel's notifications interrupt it now and then (seen as EINTR here).
    while received < 0 && errno == EINTR { received = recv(fd, &bytes, count, 0) }
    guard received >= 0 else { return nil }
    return Array(bytes[..<received])
  }

  /// Receives exactly `count` bytes; nil if the stream ended, failed or timed out first.
  package func receive(exactly count: Int) -> [UInt8]? {
    var all: [UInt8] = []
    while all.count < count {
      guard let chunk = receive(upTo: count - all.count), !chunk.isEmpty else { return nil }
      all += chunk
    }
    return all
  }

  /// Receives what has already arrived, without waiting: nil when nothing has.
  package func receiveNow(upTo count: Int = 65_536) -> [UInt8]? {
    var bytes = [UInt8](repeating: 0, count: count)
    let received = recv(fd, &bytes, count, Int32(MSG_DONTWAIT))
    guard received > 0 else { return nil }
    return Array(bytes[..<received])
  }

  /// Receives until the peer ends the stream (or `limit` bytes, an error or a timeout), on a
  /// thread of its own; returns the bytes and whether the stream ended cleanly.
  package func receiveAll(limit: Int = 64 * 1024 * 1024) async -> (bytes: [UInt8], ended: Bool) {
    await withCheckedContinuation { continuation in
      EventLoopGroup.detach {
        var all: [UInt8] = []
        while all.count < limit {
          guard let chunk = self.receive() else { break }
          if chunk.isEmpty { return continuation.resume(returning: (all, true)) }
          all += chunk
        }
        continuation.resume(returning: (all, false))
      }
    }
  }

  /// Closes the write side.
  package func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

  /// Makes the coming close a reset (RST) instead of an orderly end.
  package func resetOnClose() {
    var option = linger(l_onoff: 1, l_linger: 0)
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
  }
}
