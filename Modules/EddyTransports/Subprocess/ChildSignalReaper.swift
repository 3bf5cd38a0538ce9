import EddyReactor
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Watches children through SIGCHLD where pidfds are missing. The loop that last started such
/// a child receives SIGCHLD (signals are process-wide) and reaps, with `waitpid(pid, WNOHANG)`,
/// every child any loop watches this way, handing each status to the child's own loop. Only
/// the children it knows are reaped, so other code's children are left alone.
final class ChildSignalReaper: Sendable {
  /// The one reaper of the process.
  static let shared = ChildSignalReaper()

  private struct Child: Sendable {
    let loop: EventLoop
    let onExit: LoopBound<(Int32) -> Void>
  }

  private let children = Mutex<[pid_t: Child]>([:])

  /// Watches `pid`, started on `loop`; `onExit` runs on that loop with the wait status.
  func watch(pid: pid_t, loop: EventLoop, onExit: @escaping (Int32) -> Void) throws(SystemError) {
    try loop.addSignalHandler(SIGCHLD) { [self] in reap() }
    children.withLock { $0[pid] = Child(loop: loop, onExit: LoopBound(onExit, loop: loop)) }
    // The child may have exited before the handler was in place.
    reap()
  }

  /// Reaps every watched child that has exited and reports it on its loop.
  func reap() {
    let exited = children.withLock { children -> [(Child, Int32)] in
      var exited: [(Child, Int32)] = []
      for (pid, child) in children {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
          exited.append((child, status))
          children[pid] = nil
        } else if result < 0 && currentErrno() == ECHILD {
          // Reaped elsewhere, status unknown: exit status 255, as asyncio reports it.
          exited.append((child, 255 << 8))
          children[pid] = nil
        }
      }
      return exited
    }
    for (child, status) in exited {
      let onExit = child.onExit
      child.loop.execute { onExit.value(status) }
    }
  }
}
