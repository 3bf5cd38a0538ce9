/// The protocol a transport or layer calls, with its kind decided once, when it is set, instead
/// of a cast on every delivery.
///
/// Every transport and every layer holds the protocol above it through a link, so each of them
/// delivers bytes the same way: a ``BufferedStreamProtocol`` is given the bytes in the memory it
/// provides, any other protocol gets `dataReceived`. ``detach()`` is the one teardown: it hands
/// back the last protocol and leaves ``ClosedStreamProtocol`` in its place, so a protocol that
/// keeps its transport does not keep the connection alive after `connectionLost`.
///
/// A link belongs to its owner's event loop thread, like the owner.
public struct StreamProtocolLink {
  /// The protocol called.
  public private(set) var target: any StreamProtocol
  /// The same protocol when it reads into its own memory.
  public private(set) var buffered: (any BufferedStreamProtocol)?

  /// Links `target`.
  public init(_ target: any StreamProtocol) {
    self.target = target
    self.buffered = target as? any BufferedStreamProtocol
  }

  /// Links another protocol; later callbacks go to it.
  public mutating func set(_ newTarget: any StreamProtocol) {
    self = StreamProtocolLink(newTarget)
  }

  /// Hands the protocol `data` (not empty): as `dataReceived`, or copied into the memory a
  /// buffered protocol provides, as many times as that memory needs to take it all. The bytes
  /// of one call are handed up whole, as one `dataReceived` would be.
  public func deliver(_ data: ByteBuffer) {
    guard let buffered else {
      target.dataReceived(data)
      return
    }
    var offset = 0
    let total = data.readableBytes
    while offset < total {
      let memory = buffered.getBuffer(sizeHint: total - offset)
      precondition(!memory.isEmpty, "getBuffer(sizeHint:) returned an empty buffer")
      let count = min(memory.count, total - offset)
      data.withUnsafeReadableBytes { bytes in
        memory.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
      }
      offset += count
      buffered.bufferUpdated(count)
    }
  }

  /// Lets go of the protocol: leaves ``ClosedStreamProtocol`` linked and returns the protocol
  /// that was, which the caller then tells `connectionLost`.
  public mutating func detach() -> any StreamProtocol {
    let last = target
    self = StreamProtocolLink(ClosedStreamProtocol.shared)
    return last
  }
}
