import EddyProtocols

/// A ``/EddyProtocols/BufferedStreamProtocol`` that records what it receives into its own small
/// memory, for checking that a transport or layer honours buffered protocols.
///
/// Every callback goes on to ``recorder``, which checks the contract: each `bufferUpdated` is
/// recorded there as the bytes it reported. A call of `dataReceived`, which a buffered protocol
/// must never get, is counted in ``plainDeliveries`` and recorded too, so no byte goes unseen.
public final class BufferedRecordingProtocol: BufferedStreamProtocol {
  /// The recorder every callback goes on to.
  public let recorder: RecordingProtocol
  /// How many times `dataReceived` was called; 0 when the transport honoured the protocol.
  public private(set) var plainDeliveries = 0
  /// Every byte received, in order, whichever way it came.
  public var received: ByteBuffer { recorder.received }
  private let memory: UnsafeMutableRawBufferPointer

  /// Creates a protocol whose memory holds `memorySize` bytes (small sizes make a transport
  /// ask for memory many times per delivery), recording into `recorder`.
  public init(memorySize: Int = 7, recorder: RecordingProtocol = RecordingProtocol()) {
    precondition(memorySize > 0, "the memory must not be empty")
    self.memory = .allocate(byteCount: memorySize, alignment: 1)
    self.recorder = recorder
  }

  deinit { memory.deallocate() }

  /// Returns the whole memory, whatever the hint.
  public func getBuffer(sizeHint: Int) -> UnsafeMutableRawBufferPointer { memory }

  /// Records the bytes written to the start of the memory.
  public func bufferUpdated(_ count: Int) {
    recorder.dataReceived(ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: memory[0..<count])))
  }

  /// Counts the delivery a buffered protocol must not get, and records its bytes.
  public func dataReceived(_ data: ByteBuffer) {
    plainDeliveries += 1
    recorder.dataReceived(data)
  }

  /// Records the connection.
  public func connectionMade(_ transport: any StreamTransport) { recorder.connectionMade(transport) }

  /// Records end-of-file and answers as the recorder does.
  public func eofReceived() -> Bool { recorder.eofReceived() }

  /// Records the pause.
  public func pauseWriting() { recorder.pauseWriting() }

  /// Records the resume.
  public func resumeWriting() { recorder.resumeWriting() }

  /// Records the end of the connection.
  public func connectionLost(_ error: (any Error)?) { recorder.connectionLost(error) }
}
