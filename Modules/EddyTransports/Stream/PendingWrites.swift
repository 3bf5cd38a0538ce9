import CEddySystem
import DequeModule
import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a flush attempt ended.
enum FlushResult {
  /// Everything queued was written.
  case drained
  /// The kernel's buffer is full; wait for writability.
  case wouldBlock
  /// The write failed for good.
  case failed(SystemError)
}

/// The bytes a stream transport could not write yet, flushed with one vectored system call per
/// attempt. Holding buffers (not copies) keeps a queued write free of copying.
struct PendingWrites {
  private var queue = Deque<ByteBuffer>()
  /// Bytes queued.
  private(set) var byteCount = 0
  /// Bytes ever queued and ever written (or dropped): positions in the stream, by which a file
  /// sent between two writes is placed.
  private(set) var enqueuedTotal = 0
  private(set) var writtenTotal = 0

  var isEmpty: Bool { queue.isEmpty }

  mutating func append(_ buffer: ByteBuffer) {
    queue.append(buffer)
    byteCount += buffer.readableBytes
    enqueuedTotal &+= buffer.readableBytes
  }

  mutating func removeAll() {
    queue.removeAll()
    byteCount = 0
    writtenTotal = enqueuedTotal
  }

  /// Writes as much as the kernel takes: `sendmsg` with `MSG_NOSIGNAL` for sockets, `writev`
  /// for other descriptors. With `position`, stops there (``writtenTotal`` reaching it counts as
  /// drained): a position is always the end of a queued buffer.
  mutating func flush(
    fd: Int32, isSocket: Bool, iovecs: UnsafeMutablePointer<iovec>, upTo position: Int = .max
  ) -> FlushResult {
    while !queue.isEmpty && writtenTotal < position {
      let (written, offered) = writeBatch(
        fd: fd, isSocket: isSocket, iovecs: iovecs, limit: position &- writtenTotal)
      if written < 0 {
        let error = currentErrno()
        if error == EINTR { continue }
        if error == EAGAIN || error == EWOULDBLOCK { return .wouldBlock }
        return .failed(SystemError(isSocket ? "sendmsg" : "writev", errno: error))
      }
      consume(written)
      // A short write means the kernel's buffer is full: wait rather than spin on EAGAIN.
      if written < offered { return .wouldBlock }
    }
    return .drained
  }

  /// Sends the first queued buffer with `descriptors` attached (SCM_RIGHTS); true once the kernel
  /// took at least its first byte, and with it the descriptors (`.drained`).
  mutating func sendHead(fd: Int32, descriptors: [Int32]) -> FlushResult {
    guard let head = queue.first else { return .drained }
    while true {
      let written = head.withUnsafeReadableBytes { bytes in
        descriptors.withUnsafeBufferPointer {
          eddy_send_with_descriptors(fd, bytes.baseAddress, bytes.count, $0.baseAddress, Int32($0.count))
        }
      }
      if written > 0 {
        consume(written)
        return .drained
      }
      let error = currentErrno()
      if error == EINTR { continue }
      if error == EAGAIN || error == EWOULDBLOCK { return .wouldBlock }
      return .failed(SystemError("sendmsg", errno: error))
    }
  }

  /// Offers the kernel up to `maxIOVecs` queued buffers, and no buffer starting at or past
  /// `limit` bytes; returns what it took and what was offered.
  private func writeBatch(
    fd: Int32, isSocket: Bool, iovecs: UnsafeMutablePointer<iovec>, limit: Int
  ) -> (Int, Int) {
    var count = 0
    var offered = 0
    // The buffers stay alive in the queue while the kernel reads them.
    for buffer in queue {
      guard count < LoopResources.maxIOVecs, offered < limit else { break }
      buffer.withUnsafeReadableBytes { bytes in
        iovecs[count] = iovec(
          iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
      }
      offered += buffer.readableBytes
      count += 1
    }
    if count == 1 {
      let only = iovecs[0]
      let written =
        isSocket
        ? send(fd, only.iov_base, only.iov_len, Socket.noSignal) : write(fd, only.iov_base, only.iov_len)
      return (written, offered)
    }
    if isSocket {
      var message = msghdr()
      message.msg_iov = iovecs
      message.msg_iovlen = numericCast(count)
      return (sendmsg(fd, &message, Socket.noSignal), offered)
    }
    return (writev(fd, iovecs, Int32(count)), offered)
  }

  /// Drops `count` written bytes from the front of the queue.
  private mutating func consume(_ count: Int) {
    byteCount -= count
    writtenTotal &+= count
    var remaining = count
    while remaining > 0 {
      let head = queue[queue.startIndex].readableBytes
      if head <= remaining {
        queue.removeFirst()
        remaining -= head
      } else {
        queue[queue.startIndex].moveReaderIndex(forwardBy: remaining)
        remaining = 0
      }
    }
  }
}
