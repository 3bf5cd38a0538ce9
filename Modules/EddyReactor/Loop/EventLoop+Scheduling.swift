extension EventLoop {
  /// Schedules `body` to run on this loop's next iteration, after callbacks scheduled before it.
  /// Call from the loop's thread.
  @discardableResult
  public func callSoon(_ body: @escaping () throws -> Void) -> CallbackHandle {
    assertInLoopThread()
    let handle = CallbackHandle(deadline: nil, loop: self, callback: body)
    ready.append(.callback(handle))
    return handle
  }

  /// Schedules `body` to run once `delay` has passed. Call from the loop's thread.
  @discardableResult
  public func callLater(after delay: Duration, _ body: @escaping () throws -> Void) -> CallbackHandle {
    callAt(now + delay, body)
  }

  /// Schedules `body` to run at `deadline` (at once if it has passed). Timers due at the same
  /// deadline run in the order they were scheduled. Call from the loop's thread.
  @discardableResult
  public func callAt(_ deadline: Deadline, _ body: @escaping () throws -> Void) -> CallbackHandle {
    assertInLoopThread()
    let handle = CallbackHandle(deadline: deadline, loop: self, callback: body)
    timers.insert(handle)
    return handle
  }

  /// The number of timers held, cancelled ones not yet reclaimed included (a diagnostics aid).
  public var pendingTimerCount: Int { timers.count }
}
