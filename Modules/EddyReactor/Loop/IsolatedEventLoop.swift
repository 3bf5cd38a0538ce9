/// An event loop seen from its own thread (SwiftNIO's `NIOIsolatedEventLoop` idea): what it
/// offers takes closures that are neither `@Sendable` nor sent, because they run on this thread
/// only, so they may share state with other code on the loop (a signal handler, a timer).
///
/// Get one with ``EventLoop/isolated`` from code running on the loop (a callback, or work
/// handed to it with ``EventLoop/execute(_:)``). It is not `Sendable`: it cannot leave the thread.
public struct IsolatedEventLoop {
  /// The loop.
  public let loop: EventLoop

  init(_ loop: EventLoop) {
    self.loop = loop
  }
}

@available(*, unavailable)
extension IsolatedEventLoop: Sendable {}

extension EventLoop {
  /// This loop, for code on its own thread; traps (in debug builds) on any other thread.
  public var isolated: IsolatedEventLoop {
    assertInLoopThread()
    return IsolatedEventLoop(self)
  }
}
