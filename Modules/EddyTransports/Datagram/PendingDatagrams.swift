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

/// How an attempt to send queued datagrams ended.
enum DatagramFlushResult {
  /// Every queued datagram was sent.
  case drained
  /// The socket's buffer is full (`EAGAIN`); wait for writability.
  case wouldBlock
  /// The system is out of buffer space (`ENOBUFS`); writability does not tell when that ends.
  case noBufferSpace
  /// The datagram at the head was refused for good (for example `EMSGSIZE` or
  /// `ECONNREFUSED`) and removed; the rest stays queued.
  case rejected(SystemError)
}

/// Datagrams an endpoint could not send yet, in order, each with its destination (nil on a
/// connected socket), sent in batches with one `sendmmsg` per attempt.
struct PendingDatagrams {
  private var queue = Deque<(data: ByteBuffer, destination: SocketAddress?)>()
  /// Payload bytes queued.
  private(set) var byteCount = 0

  var isEmpty: Bool { queue.isEmpty }

  mutating func append(_ data: ByteBuffer, to destination: SocketAddress?) {
    queue.append((data, destination))
    byteCount += data.readableBytes
  }

  mutating func removeAll() {
    queue.removeAll()
    byteCount = 0
  }

  /// Sends queued datagrams until the queue is empty or the kernel pushes back.
  mutating func flush(fd: Int32, area: DatagramBatchArea) -> DatagramFlushResult {
    while !queue.isEmpty {
      let offered = prepareBatch(area)
      let sent = eddy_sendmmsg(fd, area.sendMessages, UInt32(offered))
      if sent < 0 {
        let error = currentErrno()
        switch error {
        case EINTR: continue
        case EAGAIN, EWOULDBLOCK: return .wouldBlock
        case ENOBUFS: return .noBufferSpace
        default:
          removeFirst(1)
          return .rejected(SystemError("sendmmsg", errno: error))
        }
      }
      removeFirst(Int(sent))
    }
    return .drained
  }

  /// Fills the area's send headers with up to ``DatagramBatchArea/batchSize`` queued datagrams;
  /// returns how many. The buffers stay alive in the queue while the kernel reads them.
  private func prepareBatch(_ area: DatagramBatchArea) -> Int {
    let count = min(queue.count, DatagramBatchArea.batchSize)
    for index in 0..<count {
      let (data, destination) = queue[index]
      data.withUnsafeReadableBytes { bytes in
        area.sendIOVecs[index] = iovec(
          iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
      }
      var header = msghdr()
      header.msg_iov = area.sendIOVecs + index
      header.msg_iovlen = 1
      if let destination {
        destination.withSockAddr { address, length in
          UnsafeMutableRawPointer(area.sendAddresses + index).copyMemory(
            from: address, byteCount: Int(length))
          header.msg_namelen = length
        }
        header.msg_name = UnsafeMutableRawPointer(area.sendAddresses + index)
      }
      area.sendMessages[index] = eddy_mmsghdr(msg_hdr: header, msg_len: 0)
    }
    return count
  }

  private mutating func removeFirst(_ count: Int) {
    for _ in 0..<count {
      byteCount -= queue.removeFirst().data.readableBytes
    }
  }
}
