import EddyProtocols

/// What the outbound queue holds: something with a size in bytes, for the staging limit.
protocol QueueElement: Sendable {
  /// The bytes it carries.
  var byteCount: Int { get }
}

/// What the inbound queue holds: sized, and able to give up memory it does not need while it
/// waits for the consumer.
protocol InboundElement: QueueElement {
  /// The element keeping only the memory it needs: a small slice of a large receive buffer is
  /// copied out, so the byte bound is a bound on memory too.
  func compacted() -> Self
}

extension ByteBuffer: InboundElement {
  /// The readable bytes.
  var byteCount: Int { readableBytes }

  /// A copy of the readable bytes when they use less than half the storage they hold.
  func compacted() -> ByteBuffer {
    guard capacity > 2 * readableBytes + 1024 else { return self }
    var copy = ByteBuffer(capacity: readableBytes)
    copy.writeBuffer(self)
    return copy
  }
}
