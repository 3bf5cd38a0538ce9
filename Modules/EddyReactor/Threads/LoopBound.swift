/// Carries a value that belongs to one event loop's thread through code that must be `Sendable`,
/// such as a hop to another thread and back. The value is only reachable on its loop's thread.
public struct LoopBound<Value>: @unchecked Sendable {
  private let storage: Value
  /// The loop whose thread owns the value.
  public let loop: EventLoop

  /// Wraps `value`; call on `loop`'s thread.
  public init(_ value: Value, loop: EventLoop) {
    loop.assertInLoopThread()
    self.storage = value
    self.loop = loop
  }

  /// The value; traps (in debug builds) off the loop's thread.
  public var value: Value {
    loop.assertInLoopThread()
    return storage
  }

  /// Calls `body` with the value on its loop's thread: at once when called there, otherwise
  /// after a hop through ``EventLoop/execute(_:)`` (and not at all if the loop is closed).
  public func withValue(_ body: sending @escaping (Value) -> Void) {
    if loop.isInLoopThread {
      body(storage)
    } else {
      loop.execute { body(self.storage) }
    }
  }
}
