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

/// The stream transport over a connected TCP or Unix-domain socket.
///
/// A write goes to the socket at once when nothing is queued; what the kernel does not take is
/// queued and flushed with vectored writes when the socket is writable. Reads share one receive
/// buffer per loop, so an idle connection holds no receive memory and a protocol that does not
/// keep the bytes costs no allocation per read.
public final class SocketStreamTransport: StreamTransport, Selectable {
  private enum State {
    /// Reading and writing.
    case open
    /// `close()` was called: no more reads, the write buffer drains, then the socket closes.
    case closing
    /// The socket is closed; `connectionLost` is delivered or about to be.
    case closed
  }

  /// The loop this transport lives on.
  public let loop: EventLoop
  private let fd: Int32
  private var currentProtocol: any StreamProtocol
  private var bufferedProtocol: (any BufferedStreamProtocol)?
  private let resources: LoopResources
  private var pending = PendingWrites()
  private var flow = WriteFlowControl()
  private var state = State.open
  private var registeredInterest: Interest = []
  private var readingPaused = false
  private var peerSentEOF = false
  private var eofRequested = false
  private var lostDelivered = false
  private var cachedLocalAddress: SocketAddress?
  private var cachedPeerAddress: SocketAddress?

  /// Called once when the socket closes (servers use it to track their connections).
  var onClose: (() -> Void)?

  /// Wraps a connected, non-blocking socket. Call ``start()`` to register it and make the
  /// connection.
  init(loop: EventLoop, fd: Int32, protocol: any StreamProtocol) {
    self.loop = loop
    self.fd = fd
    self.currentProtocol = `protocol`
    self.bufferedProtocol = `protocol` as? any BufferedStreamProtocol
    self.resources = LoopResources.of(loop)
  }

  /// Registers for reading and calls `connectionMade`. On failure the socket is closed and no
  /// protocol callback is made.
  func start() throws(SystemError) {
    do {
      try loop.register(self, fd: fd, interest: .read)
    } catch {
      systemClose(fd)
      state = .closed
      lostDelivered = true
      throw error
    }
    registeredInterest = .read
    currentProtocol.connectionMade(self)
  }

  // MARK: Transport

  /// True once `close()` or `abort()` was called or the connection ended.
  public var isClosing: Bool { state != .open }

  /// The socket's local address.
  public var localAddress: SocketAddress? {
    if cachedLocalAddress == nil && state != .closed { cachedLocalAddress = Socket.localAddress(fd) }
    return cachedLocalAddress
  }

  /// The peer's address.
  public var peerAddress: SocketAddress? {
    if cachedPeerAddress == nil && state != .closed { cachedPeerAddress = Socket.peerAddress(fd) }
    return cachedPeerAddress
  }

  /// The socket, while it is open.
  public var fileDescriptor: Int32? { state == .closed ? nil : fd }

  /// The protocol receiving this transport's callbacks.
  public var streamProtocol: any StreamProtocol { currentProtocol }

  /// Hands later callbacks to `newProtocol`.
  public func setProtocol(_ newProtocol: any StreamProtocol) {
    loop.assertInLoopThread()
    currentProtocol = newProtocol
    bufferedProtocol = newProtocol as? any BufferedStreamProtocol
  }

  /// Stops reading, lets the write buffer drain, then closes; `connectionLost(nil)` follows.
  public func close() {
    loop.assertInLoopThread()
    guard state == .open else { return }
    state = .closing
    updateInterest()
    if pending.isEmpty { finish(error: nil) }
  }

  /// Closes at once, dropping buffered writes; `connectionLost(nil)` follows.
  public func abort() {
    loop.assertInLoopThread()
    finish(error: nil)
  }

  // MARK: Reading

  /// Stops reading; idempotent. Bytes the peer sends wait in the kernel.
  public func pauseReading() {
    loop.assertInLoopThread()
    guard state == .open, !readingPaused else { return }
    readingPaused = true
    updateInterest()
  }

  /// Resumes reading; idempotent.
  public func resumeReading() {
    loop.assertInLoopThread()
    guard state == .open, readingPaused else { return }
    readingPaused = false
    updateInterest()
  }

  /// True unless reading is paused or the transport is closing.
  public var isReading: Bool { state == .open && !readingPaused }

  // MARK: Writing

  /// Writes at once when nothing is queued; otherwise queues `data` behind what is.
  public func write(_ data: ByteBuffer) {
    loop.assertInLoopThread()
    guard state == .open, !eofRequested, !data.isEmpty else { return }
    if pending.isEmpty {
      let written = data.withUnsafeReadableBytes { send(fd, $0.baseAddress, $0.count, Socket.noSignal) }
      if written == data.readableBytes { return }
      var rest = data
      if written > 0 {
        rest.moveReaderIndex(forwardBy: written)
      } else if written < 0 {
        let error = currentErrno()
        guard error == EAGAIN || error == EWOULDBLOCK || error == EINTR else {
          finish(error: SystemError("send", errno: error))
          return
        }
      }
      pending.append(rest)
      updateInterest()
    } else {
      pending.append(data)
    }
    currentProtocol.apply(flow.update(bufferSize: pending.byteCount))
  }

  /// Queues every buffer and writes them with one vectored call when nothing was queued before.
  public func write(contentsOf buffers: [ByteBuffer]) {
    loop.assertInLoopThread()
    guard state == .open, !eofRequested else { return }
    let wasEmpty = pending.isEmpty
    for buffer in buffers where !buffer.isEmpty { pending.append(buffer) }
    if wasEmpty && !pending.isEmpty {
      flush()
    } else {
      currentProtocol.apply(flow.update(bufferSize: pending.byteCount))
    }
  }

  /// Shuts down the write side once the buffer has drained.
  public func writeEOF() {
    loop.assertInLoopThread()
    guard state == .open, !eofRequested else { return }
    eofRequested = true
    if pending.isEmpty { shutdown(fd, Int32(SHUT_WR)) }
  }

  /// Sockets can half-close.
  public var canWriteEOF: Bool { true }

  /// Bytes queued and not yet taken by the kernel.
  public var writeBufferSize: Int { pending.byteCount }

  /// The water marks in force.
  public var writeBufferLimits: WriteBufferLimits { flow.limits }

  /// Sets the water marks and reports a crossing at once.
  public func setWriteBufferLimits(high: Int?, low: Int?) {
    loop.assertInLoopThread()
    let transition = flow.setLimits(WriteBufferLimits(high: high, low: low), bufferSize: pending.byteCount)
    if state != .closed { currentProtocol.apply(transition) }
  }

  // MARK: Selectable

  package func selectorReadable() {
    if let buffered = bufferedProtocol {
      readIntoProtocolBuffer(buffered)
      return
    }
    var buffer = resources.takeReceiveBuffer()
    var result = 0
    buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: LoopResources.receiveSize) { raw in
      result = read(fd, raw.baseAddress, raw.count)
      return max(result, 0)
    }
    if result > 0 {
      currentProtocol.dataReceived(buffer)
      resources.returnReceiveBuffer(buffer)
    } else {
      resources.returnReceiveBuffer(buffer)
      handleReadResult(result)
    }
  }

  private func readIntoProtocolBuffer(_ buffered: any BufferedStreamProtocol) {
    let target = buffered.getBuffer(sizeHint: LoopResources.receiveSize)
    precondition(!target.isEmpty, "getBuffer(sizeHint:) returned an empty buffer")
    let result = read(fd, target.baseAddress, target.count)
    if result > 0 {
      buffered.bufferUpdated(result)
    } else {
      handleReadResult(result)
    }
  }

  /// Handles a read that delivered nothing: end of stream, nothing yet, or a failure.
  private func handleReadResult(_ result: Int) {
    if result == 0 {
      receivedEOF()
      return
    }
    let error = currentErrno()
    if error == EAGAIN || error == EWOULDBLOCK || error == EINTR { return }
    finish(error: SystemError("read", errno: error))
  }

  private func receivedEOF() {
    peerSentEOF = true
    updateInterest()
    let keepOpen = currentProtocol.eofReceived()
    if !keepOpen { close() }
  }

  package func selectorWritable() {
    flush()
  }

  /// Writes what is queued, finishes a requested half-close or close, and reports a drain.
  private func flush() {
    switch pending.flush(fd: fd, isSocket: true, iovecs: resources.iovecs) {
    case .failed(let error):
      finish(error: error)
      return
    case .wouldBlock:
      break
    case .drained:
      if eofRequested { shutdown(fd, Int32(SHUT_WR)) }
    }
    updateInterest()
    currentProtocol.apply(flow.update(bufferSize: pending.byteCount))
    if state == .closing && pending.isEmpty { finish(error: nil) }
  }

  package func loopClosing() {
    finish(error: nil, reportNow: true)
  }

  // MARK: Lifecycle

  /// Registers the readiness the current state needs: reads while open, unpaused and before
  /// EOF; writability while bytes are queued.
  private func updateInterest() {
    guard state != .closed else { return }
    var wanted: Interest = []
    if state == .open && !readingPaused && !peerSentEOF { wanted.insert(.read) }
    if !pending.isEmpty { wanted.insert(.write) }
    guard wanted != registeredInterest else { return }
    do {
      try loop.setInterest(wanted, fd: fd)
      registeredInterest = wanted
    } catch {
      finish(error: error)
    }
  }

  /// Closes the socket now and reports `connectionLost` once, on the loop's next iteration so
  /// that a protocol closing from inside a callback finishes that callback first.
  private func finish(error: (any Error)?, reportNow: Bool = false) {
    guard state != .closed else { return }
    state = .closed
    pending.removeAll()
    loop.deregister(fd: fd)
    systemClose(fd)
    onClose?()
    onClose = nil
    if reportNow {
      reportLost(error)
    } else {
      loop.callSoon { [self] in reportLost(error) }
    }
  }

  private func reportLost(_ error: (any Error)?) {
    guard !lostDelivered else { return }
    lostDelivered = true
    let lastProtocol = currentProtocol
    // Drop the protocol, which usually holds this transport: no reference cycle outlives the connection.
    currentProtocol = ClosedStreamProtocol.shared
    bufferedProtocol = nil
    lastProtocol.connectionLost(error)
  }
}
