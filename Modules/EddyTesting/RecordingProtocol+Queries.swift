import EddyProtocols

extension RecordingProtocol {
  /// The buffers given to `dataReceived`, in order.
  public var dataChunks: [ByteBuffer] {
    events.compactMap { event in
      if case .data(let bytes) = event { return bytes }
      return nil
    }
  }

  /// Every received byte, joined.
  public var received: ByteBuffer {
    var joined = ByteBuffer()
    for chunk in dataChunks { joined.writeBuffer(chunk) }
    return joined
  }

  /// Every received byte decoded as UTF-8.
  public var receivedString: String { received.string }

  /// The number of times `event` was recorded.
  public func count(of event: Event) -> Int {
    events.count { $0 == event }
  }
}
