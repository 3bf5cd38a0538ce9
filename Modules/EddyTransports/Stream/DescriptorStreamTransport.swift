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

/// The stream transport over a descriptor: a connected TCP or Unix-domain socket, or one end of
/// a pipe, a FIFO or a tty.
///
/// A write goes to the descriptor at once when nothing is queued; what the kernel does not take
/// is queued and flushed with vectored writes when the descriptor is writable. Reads share one
/// receive buffer per loop, so an idle connection holds no receive memory and a protocol that
/// does not keep the bytes costs no allocation per read.
///
/// A pipe has one direction only. The read end of a pipe behaves as a stream whose write side is
/// already shut (writes are ignored) and closes after `eofReceived` whatever it returns. The
/// write end never delivers data; its ``writeEOF()`` closes it once the buffer has drained, and
/// it ends with `EPIPE` when the reader goes away while bytes are still queued.
///
/// On a loop that completes receives (io_uring), a socket does not read on readiness: the kernel
/// receives into the loop's buffers and the transport is handed the bytes. Bytes received
/// after ``pauseReading()`` (the kernel completed them before it learned of the pause) are
/// held back and delivered, in order, at the loop's turn after ``resumeReading()``.
///
/// The write queue and water-mark state skip Swift's dynamic exclusivity checks: only the
/// transport touches them, never across a callback, on every write.
public final class DescriptorStreamTransport: StreamTransport, Selectable {
  /// The write side of the stream: open, shutting down once the queue drains, or shut.
  private enum WriteSide {
    /// Writes are accepted.
    case open
    /// `writeEOF()` was called: the socket's write side shuts once the queue has drained.
    case shutdownPending
    /// No more writes: the write side is shut, or the descriptor is a read pipe.
    case shut
  }

  /// The loop this transport lives on.
  public let loop: EventLoop
  private var fd: Int32 { lifecycle.fd }
  private let isSocket: Bool
  /// The descriptor delivers data (sockets and read pipes).
  private let reads: Bool
  /// Read readiness means the reader went away (the write end of a pipe or FIFO).
  private let watchesHangUp: Bool
  /// The loop's kernel receives for this socket (``Interest/receive``) instead of reporting it
  /// readable, except while the protocol takes passed descriptors (which need `recvmsg`).
  /// A receive that filled a whole buffer turns it off: a stream that brings more than one
  /// buffer at a time reads more cheaply on readiness, as much as the kernel holds at once.
  @exclusivity(unchecked) private var receivesCompletions: Bool
  @exclusivity(unchecked) private var upper: StreamProtocolLink
  private let resources: LoopResources
  @exclusivity(unchecked) private var pending = PendingWrites()
  /// Files being sent with `sendfile(2)`, in their places among the pending writes.
  @exclusivity(unchecked) private var files = FileRegions()
  /// Descriptors to pass with the queued buffer that starts at each position (duplicates this
  /// transport owns until they are sent).
  @exclusivity(unchecked) private var passing: [(position: Int, descriptors: [Int32])] = []
  /// The protocol above when it takes passed descriptors and this is a Unix-domain socket.
  @exclusivity(unchecked) private var descriptorReceiver: (any DescriptorReceivingProtocol)?
  /// Work waiting for the write queue to drain to the low-water mark (a file copied through layers).
  @exclusivity(unchecked) private var drainWaiters: [() -> Void] = []
  @exclusivity(unchecked) private var flow = WriteFlowControl()
  @exclusivity(unchecked) private var lifecycle: DescriptorLifecycle
  @exclusivity(unchecked) private var writeSide: WriteSide
  @exclusivity(unchecked) private var readingPaused = false
  /// Reading held by the server's buffer budget, apart from the protocol's own pause.
  @exclusivity(unchecked) private var readingHeld = false
  /// This transport's part of ``usage``: the writes it has queued.
  @exclusivity(unchecked) private var usageShare = ConnectionUsage.Share()
  @exclusivity(unchecked) private var peerSentEOF = false
  /// What the kernel received while reading was paused or held, until it is delivered.
  @exclusivity(unchecked) private var withheld: WithheldReceive?
  /// True while a read's callbacks run: small writes are gathered and sent together when they
  /// return (one vectored write for every frame a read produced).
  @exclusivity(unchecked) private var gathering = false
  /// Bytes gathered and not yet offered to the kernel.
  @exclusivity(unchecked) private var hasGatheredWrites = false
  /// Counts the wakeups on which the descriptor was readable (data, EOF or an error): a server
  /// compares it between sweeps to find idle connections.
  @exclusivity(unchecked) package private(set) var readWakeups: UInt = 0
  private var cachedLocalAddress: SocketAddress?
  private var cachedPeerAddress: SocketAddress?

  /// Called once when the socket closes, with the error the transport ended with (servers use
  /// it to track their connections, observers to learn why one ended).
  var onClose: (((any Error)?) -> Void)?
  /// The counts of the loop this connection's bytes and pauses go into, when someone observes
  /// it; set before the transport starts. Nil: one branch per read and write, nothing counted.
  @exclusivity(unchecked) var traffic: ConnectionTraffic?

  /// What the connection holds, when its server limits it; the transport reports its queued
  /// writes, the layers above their own buffers.
  public var usage: ConnectionUsage? { usageStorage }
  /// Set by the server before the transport starts.
  @exclusivity(unchecked) var usageStorage: ConnectionUsage?

  /// Wraps a non-blocking descriptor of the given kind (a connected socket by default). Call
  /// ``start()`` to register it and make the connection.
  init(loop: EventLoop, fd: Int32, protocol: any StreamProtocol, kind: StreamDescriptorKind = .socket) {
    self.loop = loop
    self.lifecycle = DescriptorLifecycle(fd: fd)
    self.isSocket = kind == .socket
    self.reads = kind != .writePipe
    self.watchesHangUp = kind == .writePipe && PipeDescriptor.reportsHangUp(fd)
    self.receivesCompletions = kind == .socket && loop.completesReceives
    // A read pipe has no write side: writes are ignored, as after `writeEOF()`.
    self.writeSide = kind == .readPipe ? .shut : .open
    self.upper = StreamProtocolLink(`protocol`)
    self.resources = LoopResources.of(loop)
    self.descriptorReceiver = receiver(of: `protocol`)
  }

  /// `upper` when it takes descriptors and the descriptor is a Unix-domain socket.
  private func receiver(of upper: any StreamProtocol) -> (any DescriptorReceivingProtocol)? {
    guard isSocket, let receiver = upper as? any DescriptorReceivingProtocol,
      Socket.localAddress(fd)?.family == AF_UNIX
    else { return nil }
    return receiver
  }

  /// Registers for reading and calls `connectionMade`. On failure the socket is closed and no
  /// protocol callback is made.
  func start() throws(SystemError) {
    let interest: Interest = watchesHangUp ? .read : reads ? readInterest : []
    do {
      try lifecycle.register(self, on: loop, interest: interest)
    } catch {
      systemClose(fd)
      throw error
    }
    upper.target.connectionMade(self)
  }

  // MARK: Transport

  /// True once `close()` or `abort()` was called or the connection ended.
  public var isClosing: Bool { !lifecycle.isOpen }

  /// The socket's local address; nil for a pipe.
  public var localAddress: SocketAddress? {
    if cachedLocalAddress == nil && lifecycle.holdsDescriptor && isSocket {
      cachedLocalAddress = Socket.localAddress(fd)
    }
    return cachedLocalAddress
  }

  /// The peer's address; nil for a pipe.
  public var peerAddress: SocketAddress? {
    if cachedPeerAddress == nil && lifecycle.holdsDescriptor && isSocket {
      cachedPeerAddress = Socket.peerAddress(fd)
    }
    return cachedPeerAddress
  }

  /// The descriptor, while it is open.
  public var fileDescriptor: Int32? { lifecycle.holdsDescriptor ? fd : nil }

  #if os(Linux)
    /// The process, user and group at the other end of a Unix-domain connection; nil for TCP,
    /// pipes and once closed.
    public var peerCredentials: PeerCredentials? {
      guard lifecycle.holdsDescriptor, isSocket, localAddress?.family == AF_UNIX else { return nil }
      return try? PeerCredentials.of(fd)
    }
  #endif

  /// The protocol receiving this transport's callbacks.
  public var streamProtocol: any StreamProtocol { upper.target }

  /// Hands later callbacks to `newProtocol`.
  public func setProtocol(_ newProtocol: any StreamProtocol) {
    loop.assertInLoopThread()
    upper.set(newProtocol)
    descriptorReceiver = receiver(of: newProtocol)
    // A protocol that takes passed descriptors needs `recvmsg`: readiness, not receives.
    if receivesCompletions && lifecycle.isOpen { updateInterest() }
  }

  /// Stops reading, lets the write buffer drain, then closes; `connectionLost(nil)` follows.
  public func close() {
    loop.assertInLoopThread()
    guard lifecycle.apply(.closeRequested) else { return }
    updateInterest()
    if !hasQueued { finish(error: nil) }
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
    guard lifecycle.isOpen, reads, !readingPaused else { return }
    readingPaused = true
    updateInterest()
  }

  /// Resumes reading; idempotent.
  public func resumeReading() {
    loop.assertInLoopThread()
    guard lifecycle.isOpen, readingPaused else { return }
    readingPaused = false
    updateInterest()
    scheduleReleaseOfWithheld()
  }

  /// True unless reading is paused, the transport is closing or it is the write end of a pipe.
  public var isReading: Bool { lifecycle.isOpen && reads && !readingPaused }

  /// Runs `work` at the loop's next turn if the transport has not closed by then.
  public func callOnNextTurn(_ work: @escaping () -> Void) -> Bool {
    guard lifecycle.holdsDescriptor else { return false }
    loop.callSoon { [self] in
      if lifecycle.holdsDescriptor { work() }
    }
    return true
  }

  // MARK: Writing

  /// Writes at once when nothing is queued; otherwise queues `data` behind what is.
  public func write(_ data: ByteBuffer) {
    loop.assertInLoopThread()
    guard lifecycle.isOpen, writeSide == .open, !data.isEmpty else { return }
    if gathering && pending.byteCount &+ data.readableBytes <= flow.limits.high
      && (pending.isEmpty || hasGatheredWrites) && files.isEmpty
    {
      // Within the water marks nothing would pause: send it with the rest of this read's writes.
      pending.append(data)
      hasGatheredWrites = true
      return
    }
    if hasGatheredWrites {
      pending.append(data)
      flush()
      return
    }
    if pending.isEmpty && files.isEmpty {
      let written = data.withUnsafeReadableBytes {
        isSocket
          ? send(fd, $0.baseAddress, $0.count, Socket.noSignal) : systemWrite(fd, $0.baseAddress, $0.count)
      }
      if written > 0, let traffic { traffic.bytesSent &+= written }
      if written == data.readableBytes { return }
      var rest = data
      if written > 0 {
        rest.moveReaderIndex(forwardBy: written)
      } else if written < 0 {
        let error = currentErrno()
        guard error == EAGAIN || error == EWOULDBLOCK || error == EINTR else {
          finish(error: SystemError(isSocket ? "send" : "write", errno: error))
          return
        }
      }
      pending.append(rest)
      updateInterest()
    } else {
      pending.append(data)
    }
    bufferChanged()
  }

  /// Queues every buffer and writes them with one vectored call when nothing was queued before.
  public func write(contentsOf buffers: [ByteBuffer]) {
    loop.assertInLoopThread()
    guard lifecycle.isOpen, writeSide == .open else { return }
    let wasEmpty = !hasQueued
    for buffer in buffers where !buffer.isEmpty { pending.append(buffer) }
    if wasEmpty && !pending.isEmpty {
      flush()
    } else {
      bufferChanged()
    }
  }

  /// Shuts down the write side of a socket once the buffer has drained; closes the write end of a
  /// pipe once the buffer has drained.
  public func writeEOF() {
    loop.assertInLoopThread()
    guard lifecycle.isOpen, writeSide == .open else { return }
    guard isSocket else {
      close()
      return
    }
    writeSide = .shutdownPending
    if !hasQueued { shutDownWriting() }
  }

  /// Shuts the socket's write side, once, after the queue drained.
  private func shutDownWriting() {
    guard writeSide == .shutdownPending else { return }
    writeSide = .shut
    shutdown(fd, Int32(SHUT_WR))
  }

  /// True for sockets (which half-close) and the write end of a pipe (which closes).
  public var canWriteEOF: Bool { isSocket || !reads }

  /// Bytes queued and not yet taken by the kernel, the unsent bytes of files included.
  public var writeBufferSize: Int { queuedBytes }

  /// Bytes queued: writes and the unsent bytes of files.
  private var queuedBytes: Int { pending.byteCount &+ files.byteCount }

  /// True while writes or files wait for the kernel.
  private var hasQueued: Bool { !pending.isEmpty || !files.isEmpty }

  /// The water marks in force.
  public var writeBufferLimits: WriteBufferLimits { flow.limits }

  /// Sets the water marks and reports a crossing at once.
  public func setWriteBufferLimits(high: Int?, low: Int?) {
    loop.assertInLoopThread()
    let transition = flow.setLimits(WriteBufferLimits(high: high, low: low), bufferSize: queuedBytes)
    if lifecycle.holdsDescriptor { upper.target.apply(transition) }
  }

  // MARK: Selectable

  package func selectorReadable() {
    guard reads else {
      readerClosed()
      return
    }
    readWakeups &+= 1
    gatheringWrites {
      // A read that filled the whole buffer probably left more behind: read again (a bounded
      // number of times) before going back to the selector, as the kernel has it ready.
      var reads = 1
      while readOnce() && reads < Self.readsPerWakeup { reads += 1 }
    }
  }

  /// Runs `burst` (reads, or a delivered receive, and the protocol's callbacks), then tells the
  /// protocol the burst ended; the small writes made meanwhile leave as one vectored write.
  @inline(__always)
  private func gatheringWrites(_ burst: () -> Void) {
    gathering = true
    burst()
    upper.target.readBurstEnded()
    gathering = false
    if hasGatheredWrites { flush() }
  }

  /// The most reads made for one readiness notification.
  static let readsPerWakeup = 4

  /// One read, and the callbacks it causes; true when it filled the whole buffer and the
  /// transport still reads.
  private func readOnce() -> Bool {
    if let buffered = upper.buffered {
      readIntoProtocolBuffer(buffered)
      return false
    }
    if let descriptorReceiver { return readWithDescriptors(descriptorReceiver) }
    var buffer = resources.takeReceiveBuffer()
    var result = 0
    var asked = 0
    buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: LoopResources.receiveSize) { raw in
      asked = raw.count
      result = read(fd, raw.baseAddress, raw.count)
      return max(result, 0)
    }
    if result > 0 {
      if let traffic { traffic.bytesReceived &+= result }
      upper.target.dataReceived(buffer)
      resources.returnReceiveBuffer(buffer)
      return result == asked && lifecycle.isOpen && !readingPaused && !readingHeld
    }
    resources.returnReceiveBuffer(buffer)
    handleReadResult(result)
    return false
  }

  /// One read with `recvmsg`: the descriptors that came with the bytes go to the protocol
  /// first, and those it leaves are closed.
  private func readWithDescriptors(_ receiver: any DescriptorReceivingProtocol) -> Bool {
    var buffer = resources.takeReceiveBuffer()
    var result = 0
    var asked = 0
    var passedCount: Int32 = 0
    var truncated: Int32 = 0
    // The control space for descriptors lives on the stack: a read allocates only when some came.
    let descriptors = withUnsafeTemporaryAllocation(
      of: Int32.self, capacity: Int(EDDY_MAX_PASSED_DESCRIPTORS)
    ) { passed in
      buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: LoopResources.receiveSize) { raw in
        asked = raw.count
        result = eddy_receive_with_descriptors(
          fd, raw.baseAddress, raw.count, passed.baseAddress, &passedCount, &truncated)
        return max(result, 0)
      }
      return passedCount > 0 ? Array(passed[..<Int(passedCount)]) : []
    }
    if !descriptors.isEmpty {
      var offered = descriptors
      receiver.descriptorsReceived(&offered)
      for descriptor in offered { systemClose(descriptor) }
    }
    defer { resources.returnReceiveBuffer(buffer) }
    guard result > 0 else {
      handleReadResult(result)
      return false
    }
    if let traffic { traffic.bytesReceived &+= result }
    guard lifecycle.isOpen else { return false }
    upper.target.dataReceived(buffer)
    return result == asked && lifecycle.isOpen && !readingPaused && !readingHeld
  }

  private func readIntoProtocolBuffer(_ buffered: any BufferedStreamProtocol) {
    let target = buffered.getBuffer(sizeHint: LoopResources.receiveSize)
    precondition(!target.isEmpty, "getBuffer(sizeHint:) returned an empty buffer")
    let result = read(fd, target.baseAddress, target.count)
    if result > 0 {
      if let traffic { traffic.bytesReceived &+= result }
      buffered.bufferUpdated(result)
    } else {
      handleReadResult(result)
    }
  }

  // MARK: Completed receives

  /// What the descriptor is watched for to read: completed receives where the loop offers them,
  /// readiness otherwise.
  private var readInterest: Interest {
    receivesCompletions && descriptorReceiver == nil ? .receive : .read
  }

  package func selectorReceived(_ bytes: UnsafeRawBufferPointer) {
    guard lifecycle.isOpen, !peerSentEOF, withheld?.end == nil else { return }
    if let traffic { traffic.bytesReceived &+= bytes.count }
    readWakeups &+= 1
    if readingPaused || readingHeld || withheld != nil {
      withholding().bytes.writeBytes(bytes)
      return
    }
    deliver(bytes)
    if bytes.count >= loop.receiveCompletionSize && lifecycle.isOpen {
      receivesCompletions = false
      updateInterest()
    }
  }

  package func selectorReceiveEnded(errno: Int32) {
    guard lifecycle.isOpen, !peerSentEOF, withheld?.end == nil else { return }
    readWakeups &+= 1
    if readingPaused || readingHeld || withheld != nil {
      withholding().end = errno
      return
    }
    receiveEnded(errno: errno)
  }

  /// The receive withheld so far, made on first use.
  private func withholding() -> WithheldReceive {
    if let withheld { return withheld }
    let made = WithheldReceive()
    withheld = made
    return made
  }

  /// Hands received bytes to the protocol (copied into the loop's receive buffer, or into the
  /// protocol's own), gathering the writes its callbacks make.
  private func deliver(_ bytes: UnsafeRawBufferPointer) {
    gatheringWrites {
      if let buffered = upper.buffered {
        var offset = 0
        while offset < bytes.count && lifecycle.isOpen {
          let target = buffered.getBuffer(sizeHint: bytes.count - offset)
          precondition(!target.isEmpty, "getBuffer(sizeHint:) returned an empty buffer")
          let count = min(target.count, bytes.count - offset)
          target.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
          offset += count
          buffered.bufferUpdated(count)
        }
      } else {
        var buffer = resources.takeReceiveBuffer()
        buffer.writeBytes(bytes)
        upper.target.dataReceived(buffer)
        resources.returnReceiveBuffer(buffer)
      }
    }
  }

  /// The receive ended: end of stream, or the failure that ends the connection.
  private func receiveEnded(errno: Int32) {
    if errno == 0 {
      receivedEOF()
    } else {
      finish(error: SystemError("recv", errno: errno))
    }
  }

  /// Delivers at the loop's next turn what was received while reading was paused or held, in
  /// chunks no larger than one read's, until the protocol pauses again.
  private func scheduleReleaseOfWithheld() {
    guard let withheld, !withheld.releaseScheduled else { return }
    withheld.releaseScheduled = true
    loop.callSoon { [self] in
      withheld.releaseScheduled = false
      var delivering: Bool { lifecycle.isOpen && !readingPaused && !readingHeld }
      while delivering, !withheld.bytes.isEmpty,
        let chunk = withheld.bytes.readSlice(
          length: min(withheld.bytes.readableBytes, LoopResources.receiveSize))
      {
        chunk.withUnsafeReadableBytes { deliver($0) }
      }
      guard delivering, withheld.bytes.isEmpty else { return }
      self.withheld = nil
      if let end = withheld.end { receiveEnded(errno: end) }
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
    let keepOpen = upper.target.eofReceived()
    // A pipe has no write side to keep open.
    if !keepOpen || !isSocket { close() }
  }

  /// The reader of a pipe went away (its write end reports read readiness then): whatever is
  /// still queued can never be delivered.
  private func readerClosed() {
    finish(error: hasQueued ? SystemError("write", errno: EPIPE) : nil)
  }

  package func selectorWritable() {
    flush()
  }

  /// Writes what is queued, finishes a requested half-close or close, and reports a drain.
  private func flush() {
    hasGatheredWrites = false
    guard lifecycle.holdsDescriptor else { return }
    let sentBefore = pending.writtenTotal &+ files.sentTotal
    let result =
      files.isEmpty && passing.isEmpty
      ? pending.flush(fd: fd, isSocket: isSocket, iovecs: resources.iovecs) : flushInStreamOrder()
    if let traffic { traffic.bytesSent &+= pending.writtenTotal &+ files.sentTotal &- sentBefore }
    switch result {
    case .failed(let error):
      finish(error: error)
      return
    case .wouldBlock:
      break
    case .drained:
      shutDownWriting()
    }
    updateInterest()
    bufferChanged()
    if !drainWaiters.isEmpty && queuedBytes <= flow.limits.low { runDrainWaiters() }
    if lifecycle.state == .closing && !hasQueued { finish(error: nil) }
  }

  /// The write buffer changed: reports it to the usage (files hold no memory), then to the
  /// water marks (a pause to the traffic counts too).
  @inline(__always)
  private func bufferChanged() {
    if let usage = usageStorage {
      usageShare.update(bufferedBytes: pending.byteCount, unfinished: false, in: usage)
    }
    guard let transition = flow.update(bufferSize: queuedBytes) else { return }
    if transition == .pause, let traffic { traffic.writesPaused &+= 1 }
    upper.target.apply(transition)
  }

  /// Writes the queue in stream order when files or passed descriptors are in it: the writes
  /// before each, the file or the write the descriptors go with, what follows.
  private func flushInStreamOrder() -> FlushResult {
    while let position = nextInsertion {
      if pending.writtenTotal < position {
        let result = pending.flush(fd: fd, isSocket: isSocket, iovecs: resources.iovecs, upTo: position)
        guard case .drained = result else { return result }
      }
      // At one position a file goes first: descriptors passed there were written after it.
      guard files.nextPosition == position else {
        let result = pending.sendHead(fd: fd, descriptors: passing[0].descriptors)
        guard case .drained = result else { return result }
        for descriptor in passing.removeFirst().descriptors { systemClose(descriptor) }
        continue
      }
      switch files.sendFirst(to: fd) {
      case .finished(let region, let result):
        loop.callSoon { region.completion(result) }
      case .wouldBlock:
        return .wouldBlock
      case .failed(let error):
        return .failed(error)
      }
    }
    return pending.flush(fd: fd, isSocket: isSocket, iovecs: resources.iovecs)
  }

  // MARK: Passing descriptors

  /// Writes `data` with `descriptors` attached (SCM_RIGHTS), over a Unix-domain stream socket:
  /// the peer receives them with the first byte of `data` (a ``/EddyProtocols/DescriptorReceivingProtocol``
  /// takes them). Each is duplicated now, so the caller's stay the caller's and may be closed at
  /// once; the duplicates are closed once sent, or when the connection ends first. The write
  /// keeps its place among other writes and files, and counts under the water marks.
  public func write(_ data: ByteBuffer, passing descriptors: [Int32]) throws(DescriptorPassingError) {
    loop.assertInLoopThread()
    guard lifecycle.isOpen, writeSide == .open else { throw .notWriting }
    guard isSocket, localAddress?.family == AF_UNIX else { throw .notAUnixSocket }
    guard !data.isEmpty else { throw .noBytes }
    let limit = Int(EDDY_MAX_PASSED_DESCRIPTORS)
    guard descriptors.count <= limit else { throw .tooMany(count: descriptors.count, limit: limit) }
    var duplicates: [Int32] = []
    for descriptor in descriptors {
      let duplicate = eddy_duplicate(descriptor)
      guard duplicate >= 0 else {
        let error = SystemError("fcntl(F_DUPFD_CLOEXEC)", errno: currentErrno())
        for made in duplicates { systemClose(made) }
        throw .duplicateFailed(descriptor: descriptor, error)
      }
      duplicates.append(duplicate)
    }
    let wasIdle = !hasQueued && !hasGatheredWrites
    passing.append((position: pending.enqueuedTotal, descriptors: duplicates))
    pending.append(data)
    if wasIdle { flush() } else { bufferChanged() }
  }

  /// The stream position of the next file or descriptors to send, if any.
  private var nextInsertion: Int? {
    switch (files.nextPosition, passing.first?.position) {
    case (let file?, let descriptors?): min(file, descriptors)
    case (let file?, nil): file
    case (nil, let descriptors?): descriptors
    case (nil, nil): nil
    }
  }

  // MARK: Files

  /// Sends `count` bytes of the file `descriptor` from `offset` with `sendfile(2)`: the kernel
  /// copies them to the socket (or pipe) without passing through this process. The file goes in
  /// the stream after what was written before this call and before what is written after it;
  /// its unsent bytes count in ``writeBufferSize``, so the water marks pause and resume the
  /// protocol as for any write. `completion` runs on the loop with the bytes sent, or the
  /// reason it stopped. The descriptor stays the caller's; keep it open until `completion`.
  public func sendFile(
    _ descriptor: Int32, offset: Int64 = 0, count: Int,
    completion: @escaping (Result<Int, SendFileError>) -> Void
  ) {
    loop.assertInLoopThread()
    guard lifecycle.isOpen, writeSide == .open else {
      loop.callSoon { completion(.failure(.connectionEnded(sent: 0))) }
      return
    }
    guard count > 0 else {
      loop.callSoon { completion(.success(0)) }
      return
    }
    let wasIdle = !hasQueued
    files.append(
      FileRegions.Region(
        fd: descriptor, offset: offset, remaining: count, position: pending.enqueuedTotal,
        completion: completion))
    if wasIdle { flush() } else { bufferChanged() }
  }

  /// Runs `work` once the queue has drained to the low-water mark (at the loop's next turn when
  /// it is there already) or the transport has closed.
  package func whenQueueDrains(_ work: @escaping () -> Void) {
    if queuedBytes <= flow.limits.low || !lifecycle.holdsDescriptor {
      loop.callSoon(work)
    } else {
      drainWaiters.append(work)
    }
  }

  private func runDrainWaiters() {
    let waiting = drainWaiters
    drainWaiters = []
    for work in waiting { work() }
  }

  /// Holds reading for the server's buffer budget (`true`) or lets it go on (`false`); the
  /// protocol's own pause is kept apart.
  package func holdReading(_ held: Bool) {
    guard readingHeld != held else { return }
    readingHeld = held
    updateInterest()
    if !held { scheduleReleaseOfWithheld() }
  }

  /// Aborts the connection; `connectionLost` carries `reason`.
  package func abort(reason: any Error) {
    finish(error: reason)
  }

  package func loopClosing() {
    finish(error: nil, reportNow: true)
  }

  // MARK: Lifecycle

  /// Registers the readiness the current state needs: reads while open, unpaused and before
  /// EOF (for a pipe's write end: always, to notice its reader going away); writability while
  /// bytes are queued.
  private func updateInterest() {
    var wanted: Interest = []
    if watchesHangUp {
      wanted.insert(.read)
    } else if reads && lifecycle.isOpen && !readingPaused && !readingHeld && !peerSentEOF {
      wanted.insert(readInterest)
    }
    if hasQueued && !hasGatheredWrites { wanted.insert(.write) }
    do {
      try lifecycle.watch(wanted, on: loop)
    } catch {
      finish(error: error)
    }
  }

  /// Closes the socket now and reports `connectionLost` once (see ``DescriptorLifecycle``).
  private func finish(error: (any Error)?, reportNow: Bool = false) {
    guard lifecycle.releaseDescriptor(on: loop) else { return }
    pending.removeAll()
    withheld = nil
    for entry in passing {
      for descriptor in entry.descriptors { systemClose(descriptor) }
    }
    passing.removeAll()
    for region in files.removeAll() {
      loop.callSoon { region.completion(.failure(.connectionEnded(sent: region.sent))) }
    }
    if let usage = usageStorage { usageShare.release(in: usage) }
    runDrainWaiters()
    onClose?(error)
    onClose = nil
    DescriptorLifecycle.scheduleReport(on: loop, now: reportNow) { [self] in reportLost(error) }
  }

  private func reportLost(_ error: (any Error)?) {
    guard lifecycle.apply(.lostReported) else { return }
    // Drop the protocol, which usually holds this transport: no reference cycle outlives the connection.
    upper.detach().connectionLost(error)
  }
}

/// `write(2)`, reachable from a type that has a `write` method of its own.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
  write(fd, bytes, count)
}

/// The stream transport of TCP and Unix-domain socket connections.
public typealias SocketStreamTransport = DescriptorStreamTransport
