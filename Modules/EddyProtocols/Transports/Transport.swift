/// What every transport offers: closing and facts about the connection.
///
/// Transports are bound to one event loop's thread; call them only from it.
public protocol Transport: AnyObject {
  /// Closes the transport: buffered data is still written, then the connection ends and the
  /// protocol's `connectionLost(nil)` is called. Calling it again does nothing.
  func close()

  /// True once the transport is closing or closed.
  var isClosing: Bool { get }

  /// The local address, when the transport has one.
  var localAddress: SocketAddress? { get }

  /// The peer's address, when the transport has one.
  var peerAddress: SocketAddress? { get }

  /// The file descriptor underneath, when there is one. Do not read, write or close it.
  var fileDescriptor: Int32? { get }

  /// What the connection holds, for a server that limits it (see ``ConnectionUsage``); nil when
  /// nothing watches it. Layers report their own buffers into the usage of the transport below.
  var usage: ConnectionUsage? { get }
}

extension Transport {
  /// None by default.
  public var localAddress: SocketAddress? { nil }
  /// None by default.
  public var peerAddress: SocketAddress? { nil }
  /// None by default.
  public var fileDescriptor: Int32? { nil }
  /// None by default.
  public var usage: ConnectionUsage? { nil }
}

/// The read side of a transport.
public protocol ReadTransport: Transport {
  /// Stops delivering received data until ``resumeReading()``. Idempotent, and effective even
  /// when called from `connectionMade`: no data is delivered after it returns.
  func pauseReading()

  /// Delivers received data again. Idempotent.
  func resumeReading()

  /// True unless reading is paused or the transport is closing.
  var isReading: Bool { get }

  /// Runs `work` on the transport's thread at a later turn of its event loop, after the work
  /// already ready (other connections' reads among it), unless the connection has ended by
  /// then. A layer that stops handing up data to be fair to other connections goes on from
  /// there. Returns false, scheduling nothing, when the transport has no loop to defer to (the
  /// default); the layer then goes on at once.
  func callOnNextTurn(_ work: @escaping () -> Void) -> Bool
}

extension ReadTransport {
  /// Schedules nothing: returns false.
  public func callOnNextTurn(_ work: @escaping () -> Void) -> Bool { false }
}

/// What a transport that writes offers besides the writes themselves: half-closing, aborting
/// and a write buffer governed by water marks. ``WriteTransport`` writes bytes over it; a codec
/// layer of typed messages writes its messages over it.
public protocol WriteControl: Transport {
  /// Closes the write side once the buffer has drained; reading goes on.
  func writeEOF()

  /// True when ``writeEOF()`` is supported.
  var canWriteEOF: Bool { get }

  /// Closes at once, dropping buffered data; `connectionLost(nil)` follows.
  func abort()

  /// The number of bytes waiting in the write buffer.
  var writeBufferSize: Int { get }

  /// The current water marks.
  var writeBufferLimits: WriteBufferLimits { get }

  /// Sets the water marks (see ``WriteBufferLimits/init(high:low:)`` for the defaults) and
  /// pauses or resumes the protocol at once if the buffer now crosses them.
  func setWriteBufferLimits(high: Int?, low: Int?)
}

/// The write side of a transport, with a write buffer governed by water marks.
public protocol WriteTransport: WriteControl {
  /// Writes bytes: sent at once when possible, otherwise buffered and sent as the peer reads.
  /// Never blocks. Writes after `close`, `abort` or `writeEOF` are ignored.
  func write(_ data: ByteBuffer)

  /// Writes several buffers, in order, in as few system calls as possible.
  func write(contentsOf buffers: [ByteBuffer])
}

extension WriteTransport {
  /// Writes each buffer in turn.
  public func write(contentsOf buffers: [ByteBuffer]) {
    for buffer in buffers { write(buffer) }
  }
}

/// A bidirectional byte stream: TCP, Unix sockets, pipes, TLS, and every codec layer.
public protocol StreamTransport: ReadTransport, WriteTransport {
  /// The protocol this transport calls.
  var streamProtocol: any StreamProtocol { get }

  /// Hands the connection to another protocol; later callbacks go to it. Used to switch
  /// protocols mid-connection (for example when upgrading to TLS).
  func setProtocol(_ newProtocol: any StreamProtocol)
}
