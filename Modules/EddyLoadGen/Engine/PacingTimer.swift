import CEddyPacing
import EddyReactor

/// Calls back on a loop at a precise time, to keep an open-loop send schedule: a timerfd the
/// loop watches where there is one (microsecond precision), the loop's own timers elsewhere.
final class PacingTimer {
  private let loop: EventLoop
  private let fire: () -> Void
  /// The timer descriptor, or -1 when the loop's timers stand in for it.
  private var fd: Int32
  private var armed = false
  private var fallback: CallbackHandle?

  /// A disarmed timer calling `fire` on `loop`'s thread each time it is due.
  init(loop: EventLoop, fire: @escaping () -> Void) {
    self.loop = loop
    self.fire = fire
    fd = eddy_pacing_timer_create()
    guard fd >= 0 else { return }
    do {
      try loop.addReader(fd) { [unowned self] in expired() }
    } catch {
      _ = systemClose(fd)
      fd = -1
    }
  }

  /// Fires once at `deadline` (monotonic nanoseconds), replacing any earlier arming.
  func arm(at deadline: UInt64) {
    armed = true
    if fd >= 0 && eddy_pacing_timer_arm(fd, deadline) == 0 { return }
    fallback?.cancel()
    fallback = loop.callAt(Deadline(nanoseconds: deadline)) { [unowned self] in expired() }
  }

  /// Forgets the pending firing, if any.
  func disarm() {
    armed = false
    fallback?.cancel()
  }

  /// Disarms for good and releases the descriptor.
  func invalidate() {
    disarm()
    guard fd >= 0 else { return }
    loop.removeReader(fd)
    _ = systemClose(fd)
    fd = -1
  }

  private func expired() {
    if fd >= 0 { _ = eddy_pacing_timer_clear(fd) }
    guard armed else { return }
    armed = false
    fire()
  }
}
