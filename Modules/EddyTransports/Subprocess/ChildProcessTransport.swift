import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The transport of a child process started by ``EddyReactor/EventLoop/subprocessExec(argv:env:cwd:stdin:stdout:stderr:protocolFactory:)``:
/// its pid and exit status, signals, and the pipes to its standard streams.
///
/// The protocol hears `pipeDataReceived` for what the child writes to a piped stdout or stderr,
/// `pipeConnectionLost` as each pipe closes, `processExited` when the child exits, and then
/// `connectionLost` exactly once, when the child has exited and every pipe is closed. Writing
/// to a piped stdin goes through `pipeTransport(fd: 0)` (a ``DescriptorStreamTransport``, whose
/// flow control reaches the protocol's `pauseWriting`/`resumeWriting`) or ``writeToStdin(_:)``.
///
/// The transport stays alive while the child runs or a pipe is open. The child is always
/// reaped once it exits. When its loop closes first, a child watched through a pidfd is killed
/// and reaped then; one watched through SIGCHLD (where there are no pidfds) is left running,
/// and reaped once it has exited and a loop handles SIGCHLD or starts such a child.
public final class ChildProcessTransport: SubprocessTransport {
  /// The loop this transport lives on.
  public let loop: EventLoop
  /// The child's process id.
  public let pid: Int32
  /// The exit status once the child has exited (negative: the signal that killed it), else nil.
  public private(set) var returnCode: Int32?
  private var userProtocol: (any SubprocessProtocol)?
  private var pipes: [Int32: DescriptorStreamTransport] = [:]
  private var openPipes: Set<Int32> = []
  private var closeRequested = false
  private var lostScheduled = false
  /// The loop is closing: callbacks are made at once, since no later iteration will run them.
  private var loopClosing = false

  private init(loop: EventLoop, pid: Int32, protocol: any SubprocessProtocol) {
    self.loop = loop
    self.pid = pid
    self.userProtocol = `protocol`
  }

  /// Connects the child's pipes, starts watching for its exit and calls `connectionMade`. On
  /// failure the child is killed and reaped and no protocol callback is made.
  static func start(
    loop: EventLoop, child: SpawnedChild, protocol: any SubprocessProtocol, exitDetection: ExitDetection
  ) throws(SubprocessError) -> ChildProcessTransport {
    let transport = ChildProcessTransport(loop: loop, pid: child.pid, protocol: `protocol`)
    var unconnected = child.pipes
    do throws(SubprocessError) {
      for (number, fd) in child.pipes.sorted(by: { $0.key < $1.key }) {
        unconnected[number] = nil
        let pipe: DescriptorStreamTransport
        do {
          pipe = try loop.startPipe(
            fd: fd, kind: number == 0 ? .writePipe : .readPipe,
            protocol: SubprocessPipeProtocol(owner: transport, number: number))
        } catch {
          throw .system(error)
        }
        transport.pipes[number] = pipe
        transport.openPipes.insert(number)
      }
      try transport.watchExit(exitDetection)
    } catch {
      for fd in unconnected.values { systemClose(fd) }
      transport.abandon()
      throw error
    }
    `protocol`.connectionMade(transport)
    return transport
  }

  private func watchExit(_ detection: ExitDetection) throws(SubprocessError) {
    do {
      if detection == .automatic,
        try PidfdExitWatch.start(
          pid: pid, loop: loop, onExit: { [self] in exited(status: $0, loopClosing: $1) })
          != nil
      {
        return
      }
      try ChildSignalReaper.shared.watch(pid: pid, loop: loop) { [self] in
        exited(status: $0, loopClosing: false)
      }
    } catch {
      throw .system(error)
    }
  }

  /// Undoes a start that failed: no callback reaches the protocol, the pipes close and the
  /// child is killed and reaped.
  private func abandon() {
    userProtocol = nil
    for pipe in pipes.values { pipe.abort() }
    systemKill(pid, SIGKILL)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && currentErrno() == EINTR {}
    returnCode = WaitStatus.returnCode(status)
  }

  // MARK: Transport

  /// True once ``close()`` was called.
  public var isClosing: Bool { closeRequested }

  /// Closes the pipes (stdin after its buffer drains) and kills the child if it still runs;
  /// `connectionLost` follows once it has exited and every pipe is closed. Idempotent.
  public func close() {
    loop.assertInLoopThread()
    guard !closeRequested else { return }
    closeRequested = true
    for pipe in pipes.values { pipe.close() }
    if returnCode == nil { kill() }
  }

  /// The pipe to the child's stream `fd` (0, 1 or 2) when that stream is piped, open or closed.
  /// The one for stdin is a ``DescriptorStreamTransport`` and so a `WriteTransport`.
  public func pipeTransport(fd: Int32) -> (any Transport)? { pipes[fd] }

  /// Writes to the child's stdin, when it is piped and open; otherwise does nothing.
  public func writeToStdin(_ data: ByteBuffer) {
    pipes[0]?.write(data)
  }

  /// Closes the child's stdin once what was written has drained, so the child reads EOF.
  public func closeStdin() {
    pipes[0]?.writeEOF()
  }

  /// Sends `signal` to the child, unless it has already exited (its pid may be reused then).
  public func sendSignal(_ signal: Int32) {
    loop.assertInLoopThread()
    guard returnCode == nil else { return }
    systemKill(pid, signal)
  }

  /// Sends SIGTERM.
  public func terminate() { sendSignal(SIGTERM) }

  /// Sends SIGKILL.
  public func kill() { sendSignal(SIGKILL) }

  // MARK: Events

  func pipeDataReceived(_ number: Int32, _ data: ByteBuffer) {
    userProtocol?.pipeDataReceived(fd: number, data: data)
  }

  func pipeReadBurstEnded(_ number: Int32) {
    userProtocol?.pipeReadBurstEnded(fd: number)
  }

  func pipeLost(_ number: Int32, error: (any Error)?) {
    guard openPipes.remove(number) != nil else { return }
    userProtocol?.pipeConnectionLost(fd: number, error: error)
    finishIfDone()
  }

  func stdinPaused() { userProtocol?.pauseWriting() }

  func stdinResumed() { userProtocol?.resumeWriting() }

  private func exited(status: Int32, loopClosing: Bool) {
    guard returnCode == nil else { return }
    returnCode = WaitStatus.returnCode(status)
    self.loopClosing = self.loopClosing || loopClosing
    userProtocol?.processExited()
    finishIfDone()
  }

  /// Reports `connectionLost` once the child has exited and every pipe is closed.
  private func finishIfDone() {
    guard returnCode != nil, openPipes.isEmpty, !lostScheduled else { return }
    lostScheduled = true
    if loopClosing {
      reportLost()
    } else {
      loop.callSoon { [self] in reportLost() }
    }
  }

  private func reportLost() {
    let lastProtocol = userProtocol
    // Drop the protocol, which usually holds this transport: no reference cycle outlives the child.
    userProtocol = nil
    lastProtocol?.connectionLost(nil)
  }
}
