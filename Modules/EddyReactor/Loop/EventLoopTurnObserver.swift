/// Told of every turn of one event loop, on that loop's thread: what the loop did between two
/// waits for readiness. EddyMetrics' `EventLoopMetrics` is one, reporting loop lag and tasks run.
///
/// A turn is one wait for readiness and the work it led to: the ready descriptors' handlers (with
/// the work other threads handed over), the timers that fell due and the callbacks that were
/// scheduled when it began. A loop with no
/// observer (``EventLoop/turnObserver`` nil) reads no clock for it and pays one branch a turn.
/// With one, the loop reads the clock once more when its wait returns and once at the end of the
/// turn; keep ``turnEnded(busyNanoseconds:tasksRun:)`` to a few additions into plain integers,
/// since it runs on every turn.
public protocol EventLoopTurnObserver: AnyObject {
  /// A turn ended. `busyNanoseconds` is how long it ran after its wait returned: the longest
  /// a descriptor that became ready during the turn waited before the loop looked at it (the
  /// loop's lag). `tasksRun` counts the ready descriptors it dispatched (its own wake-up among
  /// them), the work handed over from other threads, the timers it fired and the callbacks it ran.
  func turnEnded(busyNanoseconds: UInt64, tasksRun: Int)
}
