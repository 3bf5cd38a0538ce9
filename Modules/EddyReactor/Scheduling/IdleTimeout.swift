/// Calls a handler once nothing has happened for a given time: the building block of read,
/// write and idle timeouts, in the manner of Netty's and SwiftNIO's `IdleStateHandler`.
///
/// A protocol creates one in `connectionMade`, calls ``touch()`` on whatever counts as activity
/// (each `dataReceived`, each complete message, each write — its choice), and calls ``cancel()``
/// in `connectionLost`:
///
/// ```swift
/// func connectionMade(_ transport: any StreamTransport) {
///   idle = IdleTimeout(loop: EventLoop.current!, timeout: .seconds(30)) { transport.close() }
/// }
/// func dataReceived(_ data: ByteBuffer) { idle?.touch() }
/// func connectionLost(_ error: (any Error)?) { idle?.cancel() }
/// ```
///
/// Touching only records the time: one timer is pending at a time, and when it comes due with
/// activity since, it is set again for the rest of the period, so a busy connection costs one
/// timer per period, not one per touch. The handler runs at most once, on the loop's thread,
/// at the earliest `timeout` after the last touch. The timer holds the object weakly: once the
/// last reference is dropped the handler never runs. Bound to its loop's thread, like everything
/// the loop runs.
public final class IdleTimeout {
  /// How long without activity before the handler runs.
  public let timeout: Duration
  private let loop: EventLoop
  private var onIdle: (() -> Void)?
  private var lastActivity: Deadline
  private var timer: CallbackHandle?

  /// Starts timing at once; `onIdle` runs if ``touch()`` is not called for `timeout`.
  /// Call on `loop`'s thread.
  public init(loop: EventLoop, timeout: Duration, onIdle: @escaping () -> Void) {
    loop.assertInLoopThread()
    self.loop = loop
    self.timeout = timeout
    self.onIdle = onIdle
    self.lastActivity = loop.now
    schedule(at: lastActivity + timeout)
  }

  /// True until the handler has run or the timeout was cancelled.
  public var isActive: Bool { onIdle != nil }

  /// Records activity now: the handler waits a whole `timeout` from here.
  public func touch() {
    lastActivity = loop.now
  }

  /// Stops timing; the handler will not run. Idempotent.
  public func cancel() {
    onIdle = nil
    timer?.cancel()
    timer = nil
  }

  private func schedule(at deadline: Deadline) {
    timer = loop.callAt(deadline) { [weak self] in self?.timerFired() }
  }

  private func timerFired() {
    timer = nil
    guard let handler = onIdle else { return }
    let due = lastActivity + timeout
    if loop.now < due {
      schedule(at: due)
      return
    }
    onIdle = nil
    handler()
  }
}
