/// Schedules the TLS layer's timeouts and deferred work on the thread the layer runs on.
///
/// EddyTLS does not depend on an event loop, so the layer asks this value for time: the
/// handshake timeout, the close_notify shutdown timeout, and delivering data left waiting when
/// the protocol above resumes reading. With Eddy's reactor use `TLSTimer.eventLoop` from the
/// `EddyTLSReactor` module; tests may drive a layer with a timer of their own.
public struct TLSTimer: Sendable {
  /// Cancels a scheduled callback; calling it after the callback ran does nothing.
  public typealias Cancel = () -> Void

  private let scheduler: @Sendable (Duration, @escaping () -> Void) -> Cancel

  /// Creates a timer from a function that runs `body` once after `delay` on the calling
  /// thread's loop and returns a way to cancel it. A zero delay means "soon, not now": `body`
  /// must not run before the function returns.
  public init(_ schedule: @escaping @Sendable (_ delay: Duration, _ body: @escaping () -> Void) -> Cancel) {
    self.scheduler = schedule
  }

  /// Runs `body` once after `delay`; returns a way to cancel it.
  public func schedule(after delay: Duration, _ body: @escaping () -> Void) -> Cancel {
    scheduler(delay, body)
  }
}
