import CEddySystem
import DequeModule
import Logging
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A single-threaded event loop: it waits for descriptors to become ready, runs due timers and
/// scheduled callbacks, and runs work handed over from other threads.
///
/// Everything bound to a loop (transports, protocols, handles) lives on the loop's thread.
/// The only ways in from another thread are ``execute(_:)``, ``submit(_:)`` and ``stop()``.
public final class EventLoop: @unchecked Sendable {
  /// The loop's name, also given to its thread by ``EventLoopGroup``.
  public let name: String

  /// Called with every error thrown by a scheduled callback. The default logs it. Set it
  /// before the loop runs or from the loop's thread.
  public var errorHandler: (any Error) -> Void

  let selector: Selector
  // The loop's hot state skips Swift's dynamic exclusivity checks: it is touched only on the
  // loop's thread, and never held across a callback.
  @exclusivity(unchecked) var registrations: [Registration] = []
  var nextGeneration: UInt32 = 0
  @exclusivity(unchecked) var ready = Deque<ReadyWork>()
  @exclusivity(unchecked) var timers = TimerQueue()
  /// Output to hand over at the end of this turn, and the flushes running now (two arrays
  /// swapped turn by turn, so asking for a flush allocates nothing once they have grown).
  @exclusivity(unchecked) var flushes: [any EndOfTurnFlushable] = []
  @exclusivity(unchecked) var flushing: [any EndOfTurnFlushable] = []
  var signals: SignalRouter?

  /// Told of every turn of the loop (loop lag and tasks run, for metrics); nil: no one, and no
  /// clock is read for it. Set it before the loop runs or from the loop's thread; ``close()``
  /// lets it go.
  @exclusivity(unchecked) public var turnObserver: (any EventLoopTurnObserver)?
  /// How much work handed over from other threads ran in this turn, for the ``turnObserver``.
  @exclusivity(unchecked) var handedOverThisTurn = 0

  /// Per-loop state owned by the transport layer (its shared receive buffer and scratch space),
  /// kept here so that it costs one pointer per loop, not per connection.
  package var transportResources: AnyObject?

  let inbox = Locked<Inbox>(Inbox())
  let wakeupPending = Atomic<Bool>(false)
  let stopRequested = Atomic<Bool>(false)
  let wakeup: Wakeup
  /// The loop's role as an actor's serial executor (see ``asUnownedSerialExecutor()``).
  private(set) var serialExecutor: EventLoopSerialExecutor!

  private(set) var isRunning = false
  private(set) var isClosed = false

  /// Creates a loop on `backend` (nil: ``EventLoopBackend/default``). It does nothing until
  /// ``run()`` is called on the thread that will own it. Throws ``EventLoopBackendError`` when
  /// the backend is refused, ``SystemError`` when the kernel has no descriptors to spare.
  public init(name: String = "eddy-loop", backend: EventLoopBackend? = nil) throws {
    self.name = name
    self.selector = try Selector(backend: backend ?? EventLoopBackend.default)
    self.wakeup = try Wakeup()
    let logger = Logger(label: "eddy.\(name)")
    self.errorHandler = { error in logger.error("unhandled error in a callback: \(error)") }
    try register(WakeupReceiver(loop: self), fd: wakeup.readFD, interest: .read)
    serialExecutor = EventLoopSerialExecutor(loop: self)
  }

  deinit {
    if !isClosed { selector.close() }
  }

  /// The backend the loop runs on: ``EventLoopBackend/epoll`` or ``EventLoopBackend/ioUring``
  /// (``EventLoopBackend/auto`` resolved).
  public var backend: EventLoopBackend { selector.backend }

  /// The loop running on the calling thread, if any.
  public static var current: EventLoop? {
    guard let pointer = eddy_current_loop() else { return nil }
    return Unmanaged<EventLoop>.fromOpaque(pointer).takeUnretainedValue()
  }

  /// True when called on the thread running this loop.
  @inlinable
  public var isInLoopThread: Bool {
    eddy_current_loop() == Unmanaged.passUnretained(self).toOpaque()
  }

  /// Traps in debug builds when called off the loop's thread.
  @inlinable
  public func assertInLoopThread(file: StaticString = #fileID, line: UInt = #line) {
    assert(isInLoopThread, "called off the event loop's thread", file: file, line: line)
  }

  /// Traps in debug builds unless called on the loop's thread or before the loop first runs
  /// (set-up done by the thread that will run it).
  func assertInLoopThreadOrNotRunning(file: StaticString = #fileID, line: UInt = #line) {
    assert(isInLoopThread || !isRunning, "called off the event loop's thread", file: file, line: line)
  }

  /// The monotonic clock's current time.
  public var now: Deadline { Deadline.now() }

  /// Runs the loop on the calling thread until ``stop()``.
  public func run() {
    precondition(!isRunning && !isClosed, "the loop is already running or closed")
    precondition(eddy_current_loop() == nil, "another loop runs on this thread")
    isRunning = true
    eddy_set_current_loop(Unmanaged.passUnretained(self).toOpaque())
    defer {
      eddy_set_current_loop(nil)
      isRunning = false
    }
    while !stopRequested.exchange(false, ordering: .acquiring) {
      runOnce()
    }
  }

  /// Asks the loop to return from ``run()`` after its current iteration. Safe from any thread.
  public func stop() {
    stopRequested.store(true, ordering: .releasing)
    wake()
  }

  /// One iteration: wait for readiness (no longer than the next timer), dispatch it, run due
  /// timers, then the callbacks and jobs that were ready when the iteration began, then the
  /// end-of-turn flushes; then tell the ``turnObserver``, if there is one.
  func runOnce() {
    let timeout: UInt64?
    if !ready.isEmpty || !flushes.isEmpty {
      timeout = 0
    } else if let next = timers.nextDeadline {
      let now = Deadline.now().nanoseconds
      timeout = next > now ? next - now : 0
    } else {
      timeout = nil
    }
    var readyDescriptors = 0
    do {
      readyDescriptors = try selector.wait(timeoutNanoseconds: timeout)
    } catch {
      errorHandler(error)
    }
    let observer = turnObserver
    let woke = observer == nil ? 0 : Deadline.now().nanoseconds
    for index in 0..<readyDescriptors { dispatch(selector.readiness(at: index)) }
    let now = Deadline.now().nanoseconds
    var timersRun = 0
    while let timer = timers.popDue(now: now) {
      invoke(timer)
      timersRun &+= 1
    }
    let scheduled = ready.count
    var remaining = scheduled
    while remaining > 0, let work = ready.popFirst() {
      remaining -= 1
      switch work {
      case .callback(let handle): invoke(handle)
      case .job(let job): run(job)
      }
    }
    let flushed = flushes.isEmpty ? 0 : runFlushes()
    if let observer {
      observer.turnEnded(
        busyNanoseconds: Deadline.now().nanoseconds &- woke,
        tasksRun: readyDescriptors &+ handedOverThisTurn &+ timersRun &+ (scheduled &- remaining) &+ flushed)
    }
    handedOverThisTurn = 0
  }

  @inline(__always)
  func invoke(_ handle: CallbackHandle) {
    do { try handle.run() } catch { errorHandler(error) }
  }

  /// Releases every descriptor the loop holds: work already handed over from other threads
  /// runs, then registered transports and servers are aborted, fd watchers removed and signal
  /// routes restored. The loop must not be running.
  public func close() {
    precondition(!isRunning, "close() a loop only after run() has returned")
    guard !isClosed else { return }
    eddy_set_current_loop(Unmanaged.passUnretained(self).toOpaque())
    defer { eddy_set_current_loop(nil) }
    // Work other threads handed over still runs, so no one awaits it forever.
    for work in closeInbox() { run(work) }
    for registration in registrations where registration.handler != nil {
      registration.handler!.loopClosing()
    }
    signals?.close()
    signals = nil
    transportResources = nil
    turnObserver = nil
    ready.removeAll()
    flushes.removeAll()
    timers = TimerQueue()
    isClosed = true
    selector.close()
    registrations.removeAll()
  }

  func timerCancelled() { timers.noteCancelled() }
}
