import CEddySystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Routes process signals to one loop: a process-wide handler writes the signal number to a
/// pipe (the only async-signal-safe thing it does) and the loop reads the pipe and calls the
/// Swift handlers on its own thread.
final class SignalRouter: Selectable {
  unowned let loop: EventLoop
  let readFD: Int32
  let writeFD: Int32
  var handlers: [Int32: () -> Void] = [:]

  init(loop: EventLoop) throws(SystemError) {
    self.loop = loop
    var fds: [Int32] = [0, 0]
    guard eddy_pipe(&fds) == 0 else { throw SystemError("pipe") }
    readFD = fds[0]
    writeFD = fds[1]
    do {
      try loop.register(self, fd: readFD, interest: .read)
    } catch {
      systemClose(readFD)
      systemClose(writeFD)
      throw error
    }
  }

  func selectorReadable() {
    var signals = [UInt8](repeating: 0, count: 64)
    let count = read(readFD, &signals, signals.count)
    guard count > 0 else { return }
    for signal in signals.prefix(count) {
      handlers[Int32(signal)]?()
    }
  }

  func selectorWritable() {}

  func loopClosing() { close() }

  func close() {
    for signal in handlers.keys { eddy_route_signal(signal, -1) }
    handlers.removeAll()
    loop.deregister(fd: readFD)
    systemClose(readFD)
    systemClose(writeFD)
  }
}

extension EventLoop {
  /// Calls `handler` on this loop's thread whenever the process receives `signal`, replacing
  /// any earlier handler for it. Signals are process-wide: the last loop to add a handler for
  /// a signal receives it. Call from the loop's thread, or before the loop runs (so a program
  /// can install its handlers before it announces itself).
  public func addSignalHandler(_ signal: Int32, _ handler: @escaping () -> Void) throws(SystemError) {
    assertInLoopThreadOrNotRunning()
    precondition(signal != SIGKILL && signal != SIGSTOP, "SIGKILL and SIGSTOP cannot be handled")
    let router: SignalRouter
    if let existing = signals {
      router = existing
    } else {
      router = try SignalRouter(loop: self)
      signals = router
    }
    guard eddy_route_signal(signal, router.writeFD) == 0 else { throw SystemError("sigaction") }
    router.handlers[signal] = handler
  }

  /// Restores the default disposition of `signal`; returns false if this loop had no handler.
  @discardableResult
  public func removeSignalHandler(_ signal: Int32) -> Bool {
    assertInLoopThreadOrNotRunning()
    guard let router = signals, router.handlers.removeValue(forKey: signal) != nil else { return false }
    eddy_route_signal(signal, -1)
    return true
  }
}
