/// A callback scheduled on an event loop, which can be cancelled until it runs.
///
/// Handles belong to the loop's thread: cancel them only from it (use `execute` from elsewhere).
public final class CallbackHandle {
  @usableFromInline var callback: (() throws -> Void)?
  /// When the callback is due; nil for `callSoon`.
  public let deadline: Deadline?
  weak var loop: EventLoop?

  init(deadline: Deadline?, loop: EventLoop, callback: @escaping () throws -> Void) {
    self.deadline = deadline
    self.loop = loop
    self.callback = callback
  }

  /// True once cancelled.
  public private(set) var isCancelled = false

  /// True once the callback has run.
  public private(set) var hasRun = false

  /// Prevents the callback from running, if it has not run yet. Idempotent.
  public func cancel() {
    guard !isCancelled, !hasRun else { return }
    isCancelled = true
    callback = nil
    if deadline != nil { loop?.timerCancelled() }
  }

  /// Runs the callback once, unless cancelled.
  func run() throws {
    guard let body = callback else { return }
    callback = nil
    hasRun = true
    try body()
  }
}
