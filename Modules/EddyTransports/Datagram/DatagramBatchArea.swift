import CEddySystem
import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The memory every datagram endpoint of one loop shares for batched system calls, because
/// only one of them runs at a time: a receive buffer cut into one slot per datagram, and the
/// message headers, `iovec`s and addresses of one `recvmmsg` and one `sendmmsg`.
///
/// Received datagrams are handed to protocols as slices of the receive buffer. A protocol that
/// keeps one makes the next batch receive into fresh storage; the kept bytes stay intact.
final class DatagramBatchArea {
  /// The most datagrams one system call moves.
  static let batchSize = 16
  /// The room each received datagram has: the largest UDP payload fits.
  static let slotSize = 64 * 1024

  private var receiveBuffer = ByteBuffer(capacity: batchSize * slotSize)
  let receiveMessages = UnsafeMutablePointer<eddy_mmsghdr>.allocate(capacity: batchSize)
  private let receiveIOVecs = UnsafeMutablePointer<iovec>.allocate(capacity: batchSize)
  private let receiveAddresses = UnsafeMutablePointer<sockaddr_storage>.allocate(capacity: batchSize)
  let sendMessages = UnsafeMutablePointer<eddy_mmsghdr>.allocate(capacity: batchSize)
  let sendIOVecs = UnsafeMutablePointer<iovec>.allocate(capacity: batchSize)
  let sendAddresses = UnsafeMutablePointer<sockaddr_storage>.allocate(capacity: batchSize)

  deinit {
    receiveMessages.deallocate()
    receiveIOVecs.deallocate()
    receiveAddresses.deallocate()
    sendMessages.deallocate()
    sendIOVecs.deallocate()
    sendAddresses.deallocate()
  }

  /// The area of `loop`, created on first use.
  static func of(_ loop: EventLoop) -> DatagramBatchArea {
    let resources = LoopResources.of(loop)
    if let existing = resources.datagramArea { return existing }
    let fresh = DatagramBatchArea()
    resources.datagramArea = fresh
    return fresh
  }

  /// Receives up to ``batchSize`` datagrams from `fd` into a buffer whose slot `i` (at offset
  /// `i * slotSize`) holds datagram `i`; their lengths, flags and senders are in
  /// ``receiveMessages`` and ``sender(of:)``. Returns the buffer and the count, or a count of -1
  /// and the `errno` of the failure.
  func receive(fd: Int32) -> (buffer: ByteBuffer, count: Int, error: Int32) {
    var buffer = ByteBuffer()
    swap(&buffer, &receiveBuffer)
    // Fresh storage when a protocol kept a slice of the last batch.
    buffer.clear()
    var count: Int32 = 0
    var error: Int32 = 0
    buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.batchSize * Self.slotSize) { raw in
      for slot in 0..<Self.batchSize {
        receiveIOVecs[slot] = iovec(iov_base: raw.baseAddress! + slot * Self.slotSize, iov_len: Self.slotSize)
        // Left as is when the sender has no address (an unnamed Unix socket).
        receiveAddresses[slot].ss_family = sa_family_t(AF_UNSPEC)
        receiveMessages[slot].msg_hdr = msghdr()
        receiveMessages[slot].msg_hdr.msg_name = UnsafeMutableRawPointer(receiveAddresses + slot)
        receiveMessages[slot].msg_hdr.msg_namelen = eddy_sockaddr_storage_size()
        receiveMessages[slot].msg_hdr.msg_iov = receiveIOVecs + slot
        receiveMessages[slot].msg_hdr.msg_iovlen = 1
        receiveMessages[slot].msg_len = 0
      }
      count = eddy_recvmmsg(fd, receiveMessages, UInt32(Self.batchSize))
      guard count > 0 else {
        error = currentErrno()
        return 0
      }
      return (Int(count) - 1) * Self.slotSize + Int(receiveMessages[Int(count) - 1].msg_len)
    }
    return (buffer, Int(count), error)
  }

  /// Takes back the buffer ``receive(fd:)`` handed out.
  func returnReceiveBuffer(_ buffer: consuming ByteBuffer) {
    receiveBuffer = buffer
  }

  /// The sender of received datagram `slot`, nil when it has no address.
  func sender(of slot: Int) -> SocketAddress? {
    SocketAddress(
      UnsafeRawPointer(receiveAddresses + slot).assumingMemoryBound(to: sockaddr.self),
      length: receiveMessages[slot].msg_hdr.msg_namelen)
  }

  /// True when received datagram `slot` was larger than its slot.
  func isTruncated(_ slot: Int) -> Bool {
    receiveMessages[slot].msg_hdr.msg_flags & Int32(MSG_TRUNC) != 0
  }
}
