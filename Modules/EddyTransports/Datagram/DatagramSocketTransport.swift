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

/// The datagram transport over a UDP or Unix-domain datagram socket, bound, connected or both.
///
/// Datagrams are received in batches (one `recvmmsg` moves several) into memory the loop's
/// endpoints share, and each is delivered as a slice of it. A datagram is sent at once when
/// nothing is queued; one the kernel cannot take now (`EAGAIN`, `ENOBUFS`) is queued in order
/// and the queue is sent in batches as the socket drains, with the same water marks and
/// `pauseWriting`/`resumeWriting` as a stream. A datagram refused for good (for example
/// `EMSGSIZE`, or `ECONNREFUSED` after an ICMP port unreachable) and a receive error are
/// reported through `errorReceived`; the endpoint stays open.
public final class DatagramSocketTransport: DatagramTransport, Selectable {
  private enum State {
    /// Receiving and sending.
    case open
    /// `close()` was called: no more receiving, the queue drains, then the socket closes.
    case closing
    /// The socket is closed; `connectionLost` is delivered or about to be.
    case closed
  }

  /// The loop this transport lives on.
  public let loop: EventLoop
  private let fd: Int32
  /// The peer of a connected socket: sends go there and may not name another address.
  private let connectedPeer: SocketAddress?
  /// The Unix socket file this socket bound, removed when it closes if it is still that file.
  private let boundFile: BoundSocketFile?
  private var currentProtocol: any DatagramProtocol
  private let area: DatagramBatchArea
  private var pending = PendingDatagrams()
  private var flow = WriteFlowControl()
  private var state = State.open
  private var registeredInterest: Interest = []
  /// Set while waiting out `ENOBUFS`, which writability does not signal the end of.
  private var retry: CallbackHandle?
  private var lostDelivered = false
  private var cachedLocalAddress: SocketAddress?

  /// How long sending waits after `ENOBUFS` before trying again.
  static let noBufferSpaceDelay = Duration.milliseconds(1)
  /// The most receive batches one readiness notification reads, so that one busy endpoint
  /// does not starve the others.
  static let batchesPerReadiness = 4

  /// Wraps a bound or connected, non-blocking datagram socket. Call ``start()`` to register it
  /// and make the connection.
  init(
    loop: EventLoop, fd: Int32, protocol: any DatagramProtocol, connectedPeer: SocketAddress?,
    boundFile: BoundSocketFile?
  ) {
    self.loop = loop
    self.fd = fd
    self.connectedPeer = connectedPeer
    self.boundFile = boundFile
    self.currentProtocol = `protocol`
    self.area = DatagramBatchArea.of(loop)
  }

  /// Registers for reading and calls `connectionMade`. On failure the socket is closed (and a
  /// bound Unix path removed) and no protocol callback is made.
  func start() throws(SystemError) {
    do {
      try loop.register(self, fd: fd, interest: .read)
    } catch {
      releaseSocket()
      state = .closed
      lostDelivered = true
      throw error
    }
    registeredInterest = .read
    currentProtocol.connectionMade(self)
  }

  // MARK: Transport

  /// True once `close()` or `abort()` was called or the endpoint ended.
  public var isClosing: Bool { state != .open }

  /// The address the socket is bound to.
  public var localAddress: SocketAddress? {
    if cachedLocalAddress == nil && state != .closed { cachedLocalAddress = Socket.localAddress(fd) }
    return cachedLocalAddress
  }

  /// The peer of a connected socket; nil when it is not connected.
  public var peerAddress: SocketAddress? { connectedPeer }

  /// The socket, while it is open.
  public var fileDescriptor: Int32? { state == .closed ? nil : fd }

  /// The protocol receiving this transport's callbacks.
  public var datagramProtocol: any DatagramProtocol { currentProtocol }

  /// Stops receiving, lets the queue drain, then closes; `connectionLost(nil)` follows.
  public func close() {
    loop.assertInLoopThread()
    guard state == .open else { return }
    state = .closing
    updateInterest()
    if pending.isEmpty { finish(error: nil) }
  }

  /// Closes at once, dropping queued datagrams; `connectionLost(nil)` follows.
  public func abort() {
    loop.assertInLoopThread()
    finish(error: nil)
  }

  // MARK: Sending

  /// Sends `data` as one datagram to `address`, or to the peer when the socket is connected (an
  /// address there must be the peer's). Queued behind earlier datagrams the kernel has not
  /// taken yet. Ignored once the transport is closing.
  public func send(_ data: ByteBuffer, to address: SocketAddress? = nil) {
    loop.assertInLoopThread()
    guard state == .open else { return }
    let destination: SocketAddress?
    if let connectedPeer {
      guard address == nil || address == connectedPeer else {
        currentProtocol.errorReceived(DatagramError.destinationMismatch(address!))
        return
      }
      destination = nil
    } else {
      guard let address else {
        currentProtocol.errorReceived(DatagramError.destinationRequired)
        return
      }
      destination = address
    }
    if pending.isEmpty {
      guard !sendNow(data, to: destination) else { return }
    } else {
      pending.append(data, to: destination)
    }
    currentProtocol.apply(flow.update(bufferSize: pending.byteCount))
  }

  /// Sends one datagram with nothing queued before it. Returns true when it is dealt with (sent,
  /// or refused and reported); false when it was queued.
  private func sendNow(_ data: ByteBuffer, to destination: SocketAddress?) -> Bool {
    var error: Int32 = 0
    repeat {
      let sent = data.withUnsafeReadableBytes { bytes in
        if let destination {
          destination.withSockAddr { sendto(fd, bytes.baseAddress, bytes.count, 0, $0, $1) }
        } else {
          systemSend(fd, bytes.baseAddress, bytes.count)
        }
      }
      if sent >= 0 { return true }
      error = currentErrno()
    } while error == EINTR
    switch error {
    case EAGAIN, EWOULDBLOCK, ENOBUFS:
      pending.append(data, to: destination)
      if error == ENOBUFS { waitForBufferSpace() }
      updateInterest()
      return false
    default:
      currentProtocol.errorReceived(SystemError(destination == nil ? "send" : "sendto", errno: error))
      return true
    }
  }

  /// Payload bytes queued and not yet taken by the kernel.
  public var writeBufferSize: Int { pending.byteCount }

  /// The water marks in force.
  public var writeBufferLimits: WriteBufferLimits { flow.limits }

  /// Sets the water marks and reports a crossing at once.
  public func setWriteBufferLimits(high: Int?, low: Int?) {
    loop.assertInLoopThread()
    let transition = flow.setLimits(WriteBufferLimits(high: high, low: low), bufferSize: pending.byteCount)
    if state != .closed { currentProtocol.apply(transition) }
  }

  /// Sends what is queued, reporting datagrams the kernel refuses, and closes a closing
  /// transport once the queue is empty.
  private func flush() {
    flushing: while state != .closed {
      switch pending.flush(fd: fd, area: area) {
      case .drained, .wouldBlock:
        break flushing
      case .noBufferSpace:
        waitForBufferSpace()
        break flushing
      case .rejected(let error):
        currentProtocol.errorReceived(error)
      }
    }
    guard state != .closed else { return }
    updateInterest()
    currentProtocol.apply(flow.update(bufferSize: pending.byteCount))
    if state == .closing && pending.isEmpty { finish(error: nil) }
  }

  /// Tries the queue again shortly: after `ENOBUFS` the socket stays writable, so waiting for
  /// writability would spin.
  private func waitForBufferSpace() {
    guard retry == nil else { return }
    retry = loop.callLater(after: Self.noBufferSpaceDelay) { [self] in
      retry = nil
      flush()
    }
  }

  // MARK: Selectable

  package func selectorReadable() {
    for _ in 0..<Self.batchesPerReadiness {
      guard state == .open, receiveBatch() == DatagramBatchArea.batchSize else { return }
    }
  }

  /// Receives one batch and delivers it; returns how many datagrams arrived.
  private func receiveBatch() -> Int {
    let (buffer, count, error) = area.receive(fd: fd)
    defer { area.returnReceiveBuffer(buffer) }
    guard count > 0 else {
      if error != EAGAIN && error != EWOULDBLOCK && error != EINTR {
        currentProtocol.errorReceived(SystemError("recvmmsg", errno: error))
      }
      return 0
    }
    for slot in 0..<count {
      // A protocol that closed or aborted gets nothing more.
      guard state == .open else { break }
      if area.isTruncated(slot) {
        currentProtocol.errorReceived(DatagramError.truncated(capacity: DatagramBatchArea.slotSize))
        continue
      }
      let length = Int(area.receiveMessages[slot].msg_len)
      let datagram = buffer.getSlice(at: slot * DatagramBatchArea.slotSize, length: length)!
      currentProtocol.datagramReceived(datagram, from: area.sender(of: slot) ?? unnamedSender)
    }
    return count
  }

  /// The address reported for a datagram whose sender has none: the peer of a connected
  /// socket, else an unnamed Unix socket.
  private var unnamedSender: SocketAddress { connectedPeer ?? .unix(path: "") }

  package func selectorWritable() {
    flush()
  }

  package func loopClosing() {
    finish(error: nil, reportNow: true)
  }

  // MARK: Lifecycle

  /// Registers the readiness the current state needs: reads while open; writability while
  /// datagrams are queued and no `ENOBUFS` wait is running.
  private func updateInterest() {
    guard state != .closed else { return }
    var wanted: Interest = []
    if state == .open { wanted.insert(.read) }
    if !pending.isEmpty && retry == nil { wanted.insert(.write) }
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
    retry?.cancel()
    retry = nil
    loop.deregister(fd: fd)
    releaseSocket()
    if reportNow {
      reportLost(error)
    } else {
      loop.callSoon { [self] in reportLost(error) }
    }
  }

  private func releaseSocket() {
    systemClose(fd)
    boundFile?.remove()
  }

  private func reportLost(_ error: (any Error)?) {
    guard !lostDelivered else { return }
    lostDelivered = true
    let lastProtocol = currentProtocol
    // Drop the protocol, which usually holds this transport: no reference cycle outlives the endpoint.
    currentProtocol = ClosedDatagramProtocol.shared
    lastProtocol.connectionLost(error)
  }
}

/// The protocol of a datagram endpoint that has ended: ignores everything.
final class ClosedDatagramProtocol: DatagramProtocol, Sendable {
  static let shared = ClosedDatagramProtocol()
}

/// `send(2)` on a connected socket, reachable from a type that has a `send` method of its own.
private func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
  send(fd, bytes, count, 0)
}
