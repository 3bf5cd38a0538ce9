import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension StreamTransport {
  /// Sends `count` bytes of the file `descriptor` from `offset`, as asyncio's `loop.sendfile`:
  /// zero-copy with `sendfile(2)` straight on a socket or pipe transport
  /// (``DescriptorStreamTransport/sendFile(_:offset:count:completion:)``); through layers (TLS,
  /// codecs) it falls back to reading the file in 64 KiB chunks and writing each through this
  /// transport, never past its high-water mark (it waits for the queue below to drain). A codec
  /// layer frames each chunk as one message; a stream layer (TLS, zlib) carries the bytes as
  /// they are.
  ///
  /// `completion` runs on the loop with the number of bytes sent (by the fallback: written to
  /// this transport, the last of them possibly still queued), or why it stopped. Through layers,
  /// do not write before it runs: the fallback's chunks and your writes would mix (straight on
  /// a socket, writes after the call follow the file).
  /// The descriptor stays the caller's; keep it open until `completion`.
  public func sendFile(
    _ descriptor: Int32, offset: Int64 = 0, count: Int,
    completion: @escaping (Result<Int, SendFileError>) -> Void
  ) {
    if let direct = self as? DescriptorStreamTransport {
      direct.sendFile(descriptor, offset: offset, count: count, completion: completion)
      return
    }
    var below: any StreamTransport = self
    while let layer = below as? any TransportLayer, let next = layer.transportBelow { below = next }
    guard let bottom = below as? DescriptorStreamTransport else {
      completion(.failure(.unsupported))
      return
    }
    FileCopy(
      through: self, bottom: bottom, descriptor: descriptor, offset: offset, count: count,
      completion: completion
    ).pump()
  }
}

/// A file copied through layers in chunks: read, written through the top transport, paused at
/// its high-water mark until the descriptor transport at the bottom drains.
private final class FileCopy {
  private let transport: any StreamTransport
  private let bottom: DescriptorStreamTransport
  private let descriptor: Int32
  private var offset: Int64
  private var remaining: Int
  private var sent = 0
  private let completion: (Result<Int, SendFileError>) -> Void

  /// The size of one chunk read from the file.
  static let chunk = 64 * 1024

  init(
    through transport: any StreamTransport, bottom: DescriptorStreamTransport, descriptor: Int32,
    offset: Int64,
    count: Int, completion: @escaping (Result<Int, SendFileError>) -> Void
  ) {
    self.transport = transport
    self.bottom = bottom
    self.descriptor = descriptor
    self.offset = offset
    self.remaining = count
    self.completion = completion
  }

  /// Writes chunks while the transport is within its high-water mark; then waits for the
  /// bottom's queue to drain, and goes on once the transport is at or below its low mark.
  func pump() {
    while remaining > 0 {
      guard !transport.isClosing else { return completion(.failure(.connectionEnded(sent: sent))) }
      if transport.writeBufferSize > transport.writeBufferLimits.high {
        waitForDrain()
        return
      }
      var chunk = ByteBuffer(capacity: min(remaining, Self.chunk))
      var result = 0
      chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: min(remaining, Self.chunk)) { raw in
        result = pread(descriptor, raw.baseAddress, min(raw.count, remaining), off_t(offset))
        return max(result, 0)
      }
      if result < 0 {
        let error = currentErrno()
        if error == EINTR { continue }
        return completion(.failure(.readFailed(SystemError("pread", errno: error), sent: sent)))
      }
      if result == 0 { return completion(.failure(.fileEnded(sent: sent))) }
      transport.write(chunk)
      offset += Int64(result)
      remaining -= result
      sent += result
    }
    completion(.success(sent))
  }

  private func waitForDrain() {
    bottom.whenQueueDrains { [self] in
      if !transport.isClosing && transport.writeBufferSize > transport.writeBufferLimits.low {
        waitForDrain()
      } else {
        pump()
      }
    }
  }
}
