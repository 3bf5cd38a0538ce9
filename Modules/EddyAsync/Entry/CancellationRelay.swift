import EddyReactor

/// Carries a task's cancellation to the ``PendingOpen`` it awaits, whichever comes first: a
/// cancellation that arrives before the opening is attached reaches it as soon as it is.
final class CancellationRelay: Sendable {
  private struct State {
    weak var pending: PendingOpen?
    var fired = false
  }

  private let state = Locked(State())

  /// Attaches the opening; call before its start is handed to `loop`, so that a cancellation
  /// that came first is handed over ahead of the start.
  func attach(_ pending: PendingOpen, on loop: EventLoop) {
    let fired = state.withLock { state -> Bool in
      state.pending = pending
      return state.fired
    }
    if fired { loop.execute { pending.cancel() } }
  }

  /// Cancels the attached opening on `loop`, or the one attached later.
  func fire(on loop: EventLoop) {
    let pending = state.withLock { state -> PendingOpen? in
      state.fired = true
      return state.pending
    }
    if let pending { loop.execute { pending.cancel() } }
  }
}
