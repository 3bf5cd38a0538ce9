import CEddySystem
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Watches one child through a pidfd, which becomes readable when the child exits: no signal
/// handler and no polling. The child is reaped with `waitpid(pid, WNOHANG)` then.
final class PidfdExitWatch: Selectable {
  private let loop: EventLoop
  private let pid: pid_t
  private let pidfd: Int32
  /// Receives the wait status, and whether the loop is closing (report at once then).
  private var onExit: ((Int32, Bool) -> Void)?

  /// Starts watching `pid`; nil when the system has no pidfds.
  static func start(
    pid: pid_t, loop: EventLoop, onExit: @escaping (Int32, Bool) -> Void
  ) throws(SystemError) -> PidfdExitWatch? {
    let pidfd = eddy_pidfd_open(pid)
    guard pidfd >= 0 else {
      let error = currentErrno()
      if error == ENOSYS || error == EPERM || error == EINVAL { return nil }
      throw SystemError("pidfd_open", errno: error)
    }
    let watch = PidfdExitWatch(loop: loop, pid: pid, pidfd: pidfd, onExit: onExit)
    do {
      try loop.register(watch, fd: pidfd, interest: .read)
    } catch {
      systemClose(pidfd)
      throw error
    }
    return watch
  }

  private init(loop: EventLoop, pid: pid_t, pidfd: Int32, onExit: @escaping (Int32, Bool) -> Void) {
    self.loop = loop
    self.pid = pid
    self.pidfd = pidfd
    self.onExit = onExit
  }

  package func selectorReadable() {
    var status: Int32 = 0
    let result = waitpid(pid, &status, WNOHANG)
    if result == 0 || (result < 0 && currentErrno() == EINTR) { return }
    // ECHILD: reaped elsewhere, status unknown; reported as exit status 255, as asyncio does.
    finish(status: result == pid ? status : 255 << 8, closing: false)
  }

  package func selectorWritable() {}

  /// The loop is closing with the child still running: kill it and reap it now.
  package func loopClosing() {
    var status: Int32 = 0
    var result = waitpid(pid, &status, WNOHANG)
    if result == 0 {
      systemKill(pid, SIGKILL)
      repeat { result = waitpid(pid, &status, 0) } while result < 0 && currentErrno() == EINTR
    }
    finish(status: result == pid ? status : 255 << 8, closing: true)
  }

  private func finish(status: Int32, closing: Bool) {
    guard let onExit else { return }
    self.onExit = nil
    loop.deregister(fd: pidfd)
    systemClose(pidfd)
    onExit(status, closing)
  }
}

/// `kill(2)`, reachable from types that have a `kill` method of their own.
@discardableResult
func systemKill(_ pid: pid_t, _ signal: Int32) -> Int32 {
  kill(pid, signal)
}
