import EddyProtocols
import EddyReactor
import EddyTransports

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A running child process for `async` code: its piped standard streams are
/// ``AsyncConnection``s, each with backpressure (a consumer that falls behind pauses the pipe,
/// so the child blocks on its writes; a child that does not read suspends the writer).
///
/// Start one with `subprocessExec` or `subprocessShell` on an `EventLoop`.
public final class AsyncSubprocess: Sendable {
  /// The loop the child's pipes live on.
  public let loop: EventLoop
  /// The child's process id.
  public let pid: Int32
  /// The child's stdin, when piped: write to it; ``AsyncConnection/writeEOF()`` closes it so the
  /// child reads end-of-file. Its inbound sequence carries nothing.
  public let stdin: AsyncConnection?
  /// The child's stdout, when piped: its inbound sequence ends when the child closes it.
  public let stdout: AsyncConnection?
  /// The child's stderr, when piped.
  public let stderr: AsyncConnection?
  private let exit: ExitStatusBox
  private let child: LoopBound<ChildProcessTransport>

  /// Wraps a started child; call on its loop's thread.
  init(bridge: SubprocessBridge, child: ChildProcessTransport) {
    self.loop = bridge.loop
    self.pid = child.pid
    self.exit = bridge.exit
    self.child = LoopBound(child, loop: bridge.loop)
    self.stdin = bridge.streams[0].map(AsyncConnection.init(bridge:))
    self.stdout = bridge.streams[1].map(AsyncConnection.init(bridge:))
    self.stderr = bridge.streams[2].map(AsyncConnection.init(bridge:))
    stdout?.refuseWrites()
    stderr?.refuseWrites()
  }

  /// The exit status once the child has exited (negative: the signal that killed it), else nil.
  public var returnCode: Int32? { exit.status }

  /// Waits for the child to exit and returns its status (negative: the signal that killed it).
  ///
  /// Cancelling the waiting task kills the child, so a cancelled task leaves none behind, and
  /// throws `CancellationError`.
  public func wait() async throws -> Int32 {
    let status = await withTaskCancellationHandler {
      await exit.wait()
    } onCancel: {
      kill()
    }
    try Task.checkCancellation()
    return status
  }

  /// Sends `signal` to the child, unless it has exited.
  public func sendSignal(_ signal: Int32) {
    child.withValue { $0.sendSignal(signal) }
  }

  /// Sends SIGTERM.
  public func terminate() { sendSignal(SIGTERM) }

  /// Sends SIGKILL.
  public func kill() { sendSignal(SIGKILL) }
}
