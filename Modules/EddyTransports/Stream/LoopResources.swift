import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Memory every transport of one loop shares, because only one of them runs at a time: the
/// receive buffer and the `iovec` array for vectored writes. Idle connections therefore hold
/// no receive memory at all.
final class LoopResources {
  /// How much one read asks the kernel for.
  static let receiveSize = 64 * 1024
  /// The most buffers one vectored write hands the kernel.
  static let maxIOVecs = 256

  /// The receive buffer, taken by a transport for the duration of one read.
  @exclusivity(unchecked) var receiveBuffer = ByteBuffer(capacity: receiveSize)
  let iovecs = UnsafeMutablePointer<iovec>.allocate(capacity: maxIOVecs)
  /// What datagram endpoints share, made when the loop's first one receives or sends.
  var datagramArea: DatagramBatchArea?

  deinit { iovecs.deallocate() }

  /// The resources of `loop`, created on first use.
  static func of(_ loop: EventLoop) -> LoopResources {
    if let existing = loop.transportResources {
      return unsafeDowncast(existing, to: LoopResources.self)
    }
    let fresh = LoopResources()
    loop.transportResources = fresh
    return fresh
  }

  /// Takes the receive buffer, empty and uniquely owned, leaving an empty placeholder.
  @inline(__always)
  func takeReceiveBuffer() -> ByteBuffer {
    var buffer = ByteBuffer()
    swap(&buffer, &receiveBuffer)
    buffer.clear()
    return buffer
  }

  /// Gives the receive buffer back. If a protocol kept a slice of it, `clear()` inside the next
  /// take gives the next read fresh storage and the kept bytes stay intact.
  @inline(__always)
  func returnReceiveBuffer(_ buffer: consuming ByteBuffer) {
    receiveBuffer = buffer
  }
}
