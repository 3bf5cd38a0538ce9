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

  /// True once `connectionMade` was called.
  public var hasConnected: Bool { events.contains(.connectionMade) }

  /// True once `eofReceived` was called.
  public var didReceiveEOF: Bool { events.contains(.eof) }

  /// True once `connectionLost` was called.
  public var isLost: Bool { events.contains { if case .connectionLost = $0 { true } else { false } } }

  /// True between `pauseWriting` and the following `resumeWriting`.
  public var isWritingPaused: Bool {
    let last = events.last { $0 == .pauseWriting || $0 == .resumeWriting }
    return last == .pauseWriting
  }

  /// The number of times `event` was recorded.
  public func count(of event: Event) -> Int {
    events.count { $0 == event }
  }
}
