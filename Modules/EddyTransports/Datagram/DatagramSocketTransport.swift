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
  /// The loop this transport lives on.
  public let loop: EventLoop
  private var fd: Int32 { lifecycle.fd }
  /// The peer of a connected socket: sends go there and may not name another address.
  private let connectedPeer: SocketAddress?
  /// The Unix socket file this socket bound, removed when it closes if it is still that file.
  private let boundFile: BoundSocketFile?
  private var currentProtocol: any DatagramProtocol
  private let area: DatagramBatchArea
  private var pending = PendingDatagrams()
  private var flow = WriteFlowControl()
  private var lifecycle: DescriptorLifecycle
  /// Set while waiting out `ENOBUFS`, which writability does not signal the end of.
  private var retry: CallbackHandle?
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
    self.lifecycle = DescriptorLifecycle(fd: fd)
    self.connectedPeer = connectedPeer
    self.boundFile = boundFile
    self.currentProtocol = `protocol`
    self.area = DatagramBatchArea.of(loop)
  }

  /// Registers for reading and calls `connectionMade`. On failure the socket is closed (and a
  /// bound Unix path removed) and no protocol callback is made.
  func start() throws(SystemError) {
    do {
      try lifecycle.register(self, on: loop, interest: .read)
    } catch {
      releaseSocket()
      throw error
    }
    currentProtocol.connectionMade(self)
  }

  // MARK: Transport

  /// True once `close()` or `abort()` was called or the endpoint ended.
  public var isClosing: Bool { !lifecycle.isOpen }

  /// The address the socket is bound to.
  public var localAddress: SocketAddress? {
    if cachedLocalAddress == nil && lifecycle.holdsDescriptor { cachedLocalAddress = Socket.localAddress(fd) }
    return cachedLocalAddress
  }

  /// The peer of a connected socket; nil when it is not connected.
  public var peerAddress: SocketAddress? { connectedPeer }

  /// The socket, while it is open.
  public var fileDescriptor: Int32? { lifecycle.holdsDescriptor ? fd : nil }

  /// The protocol receiving this transport's callbacks.
  public var datagramProtocol: any DatagramProtocol { currentProtocol }

  /// Stops receiving, lets the queue drain, then closes; `connectionLost(nil)` follows.
  public func close() {
    loop.assertInLoopThread()
    guard lifecycle.apply(.closeRequested) else { return }
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
    guard lifecycle.isOpen else { return }
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
    if lifecycle.holdsDescriptor { currentProtocol.apply(transition) }
  }

  /// Sends what is queued, reporting datagrams the kernel refuses, and closes a closing
  /// transport once the queue is empty.
  private func flush() {
    flushing: while lifecycle.holdsDescriptor {
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
    guard lifecycle.holdsDescriptor else { return }
    updateInterest()
    currentProtocol.apply(flow.update(bufferSize: pending.byteCount))
    if lifecycle.state == .closing && pending.isEmpty { finish(error: nil) }
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
      guard lifecycle.isOpen, receiveBatch() == DatagramBatchArea.batchSize else { return }
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
      guard lifecycle.isOpen else { break }
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
    var wanted: Interest = []
    if lifecycle.isOpen { wanted.insert(.read) }
    if !pending.isEmpty && retry == nil { wanted.insert(.write) }
    do {
      try lifecycle.watch(wanted, on: loop)
    } catch {
      finish(error: error)
    }
  }

  /// Closes the socket now (removing a bound Unix path) and reports `connectionLost` once (see
  /// ``DescriptorLifecycle``).
  private func finish(error: (any Error)?, reportNow: Bool = false) {
    guard lifecycle.releaseDescriptor(on: loop) else { return }
    boundFile?.remove()
    pending.removeAll()
    retry?.cancel()
    retry = nil
    DescriptorLifecycle.scheduleReport(on: loop, now: reportNow) { [self] in reportLost(error) }
  }

  /// Releases the socket of an endpoint that never started.
  private func releaseSocket() {
    systemClose(fd)
    boundFile?.remove()
  }

  private func reportLost(_ error: (any Error)?) {
    guard lifecycle.apply(.lostReported) else { return }
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
