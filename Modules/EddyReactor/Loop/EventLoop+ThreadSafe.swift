import CEddySystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Work handed to a loop from other threads, and whether the loop still accepts it.
struct Inbox {
  var work: [HandedOverWork] = []
  var isClosed = false
}

/// Errors of the loop itself.
public enum EventLoopError: Error, Sendable, Equatable {
  /// The loop was closed before the work could run.
  case closed
}

extension EventLoop {
  /// Runs `work` on the loop's thread. Safe from any thread; work submitted from one thread
  /// runs in the order it was submitted. Work handed to a closed loop is dropped.
  ///
  /// `work` is sent to the loop, not shared with it: it need not be `@Sendable`, and may capture
  /// values that are not `Sendable` (a protocol's shared state, say) as long as the caller does
  /// not touch them afterwards — from then on they live on the loop. The compiler checks that.
  public func execute(_ work: sending @escaping () -> Void) {
    let sent = Transferred(work)
    _ = handOver { sent.value() }
  }

  /// Same as ``execute(_:)``, asyncio's name for it.
  public func callSoonThreadSafe(_ work: sending @escaping () -> Void) {
    execute(work)
  }

  /// Runs `work` on the loop's thread and returns its result to the awaiting task. `work` is
  /// sent to the loop, as with ``execute(_:)``.
  ///
  /// - Throws: what `work` throws, or ``EventLoopError/closed`` if the loop is closed.
  public func submit<Result: Sendable>(
    _ work: sending @escaping () throws -> Result
  ) async throws -> Result {
    let sent = Transferred(work)
    return try await withCheckedThrowingContinuation { continuation in
      let accepted = handOver { continuation.resume(with: Swift.Result { try sent.value() }) }
      if !accepted { continuation.resume(throwing: EventLoopError.closed) }
    }
  }

  /// Queues `work`, waking the loop if needed; false when the loop is closed.
  func handOver(_ work: @escaping @Sendable () -> Void) -> Bool {
    if isInLoopThread {
      callSoon(work)
      return true
    }
    return handOver(.closure(work))
  }

  /// Adds `work` to the inbox, waking the loop if needed; false when the loop is closed.
  func handOver(_ work: HandedOverWork) -> Bool {
    inbox.withLock { inbox in
      guard !inbox.isClosed else { return false }
      inbox.work.append(work)
      wakeLocked()
      return true
    }
  }

  /// Wakes the loop from its wait. Safe from any thread.
  func wake() {
    inbox.withLock { inbox in
      if !inbox.isClosed { wakeLocked() }
    }
  }

  /// Signals the wake-up descriptor at most once per pending batch; the inbox lock is held,
  /// so the descriptor cannot be closed meanwhile.
  private func wakeLocked() {
    if !wakeupPending.exchange(true, ordering: .acquiringAndReleasing) {
      wakeup.signal()
    }
  }

  /// Runs the work other threads handed over, in order.
  func drainInbox() {
    wakeupPending.store(false, ordering: .releasing)
    let batch = inbox.withLock { inbox -> [HandedOverWork] in
      let taken = inbox.work
      inbox.work.removeAll(keepingCapacity: true)
      return taken
    }
    handedOverThisTurn &+= batch.count
    for work in batch { run(work) }
  }

  /// Runs one item of handed-over work.
  func run(_ work: HandedOverWork) {
    switch work {
    case .closure(let body): body()
    case .job(let job): run(job)
    }
  }

  /// Refuses further work, closes the wake-up descriptor, and returns the work still queued.
  func closeInbox() -> [HandedOverWork] {
    inbox.withLock { inbox in
      inbox.isClosed = true
      wakeup.close()
      defer { inbox.work.removeAll() }
      return inbox.work
    }
  }
}

/// The descriptor another thread writes to in order to wake the loop: an eventfd on Linux,
/// a pipe elsewhere.
final class Wakeup: Sendable {
  let readFD: Int32
  let writeFD: Int32

  init() throws(SystemError) {
    #if os(Linux)
      let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
      guard fd >= 0 else { throw SystemError("eventfd") }
      readFD = fd
      writeFD = fd
    #else
      var fds: [Int32] = [0, 0]
      guard eddy_pipe(&fds) == 0 else { throw SystemError("pipe") }
      readFD = fds[0]
      writeFD = fds[1]
    #endif
  }

  func signal() {
    var one: UInt64 = 1
    _ = write(writeFD, &one, MemoryLayout<UInt64>.size)
  }

  func drain() {
    var sink: UInt64 = 0
    while read(readFD, &sink, MemoryLayout<UInt64>.size) > 0 {}
  }

  func close() {
    systemClose(readFD)
    if writeFD != readFD { systemClose(writeFD) }
  }
}

/// Reads the wake-up descriptor and runs the handed-over work.
final class WakeupReceiver: Selectable {
  unowned let loop: EventLoop

  init(loop: EventLoop) { self.loop = loop }

  func selectorReadable() {
    loop.wakeup.drain()
    loop.drainInbox()
  }

  func selectorWritable() {}

  func loopClosing() {}
}
