import EddyProtocols

/// A child's stdin and stdout as one byte stream, so that any stream protocol (a codec stack
/// among them) talks to a child as it would to a peer over a socket.
///
/// Pass one as the protocol of ``EddyReactor/EventLoop/subprocessExec(argv:env:cwd:stdin:stdout:stderr:protocolFactory:)``.
/// The protocol above gets `connectionMade` when the child has started, `dataReceived` with
/// what the child writes to stdout, `eofReceived` when the child closes stdout, and
/// `connectionLost` once the child has exited and every pipe is closed, with the first error a
/// pipe ended with (such as `EPIPE` when the child stopped reading stdin with bytes still
/// queued). Writes go to stdin, with its water marks; `writeEOF()` closes stdin once it has
/// drained.
///
/// ``close()`` closes stdin once it has drained and stops reading stdout, leaving the child to
/// exit on its own; ``abort()`` drops what is queued and kills the child. A stream the child
/// was not given a pipe for does nothing: writes are ignored without a stdin pipe, and no data
/// or end-of-file arrives without a stdout pipe. What the child writes to a piped stderr goes
/// to the `stderr` handler.
public final class SubprocessStdioStream: SubprocessProtocol, StreamTransport {
  private var upper: StreamProtocolLink
  private let stderrHandler: ((ByteBuffer) -> Void)?
  /// The child, once it has started.
  public private(set) var process: (any SubprocessTransport)?
  private var stdin: (any WriteTransport)?
  private var stdout: (any ReadTransport)?
  private var closeRequested = false
  private var eofDelivered = false
  private var firstError: (any Error)?

  /// Creates the stream for the protocol `upper`; `stderr` receives what the child writes to a
  /// piped stderr.
  public init(upper: any StreamProtocol, stderr: ((ByteBuffer) -> Void)? = nil) {
    self.upper = StreamProtocolLink(upper)
    self.stderrHandler = stderr
  }

  // MARK: The child's protocol

  /// Keeps the child's pipes and makes the connection for the protocol above.
  public func connectionMade(_ transport: any SubprocessTransport) {
    process = transport
    stdin = transport.pipeTransport(fd: 0) as? any WriteTransport
    stdout = transport.pipeTransport(fd: 1) as? any ReadTransport
    upper.target.connectionMade(self)
  }

  /// Hands stdout up and stderr to the handler.
  public func pipeDataReceived(fd: Int32, data: ByteBuffer) {
    if fd == 1 {
      upper.deliver(data)
    } else {
      stderrHandler?(data)
    }
  }

  /// Passes the end of a read burst on stdout up.
  public func pipeReadBurstEnded(fd: Int32) {
    if fd == 1 { upper.target.readBurstEnded() }
  }

  /// Keeps the first error, and reports the end of stdout as end-of-file.
  public func pipeConnectionLost(fd: Int32, error: (any Error)?) {
    if let error, firstError == nil { firstError = error }
    guard fd == 1, error == nil, !eofDelivered, !closeRequested else { return }
    eofDelivered = true
    if !upper.target.eofReceived() { close() }
  }

  /// Ends the connection for the protocol above.
  public func connectionLost(_ error: (any Error)?) {
    // Drop the protocol, which usually holds this stream: no reference cycle outlives the child.
    upper.detach().connectionLost(error ?? firstError)
  }

  /// Passes stdin's flow control up.
  public func pauseWriting() { upper.target.pauseWriting() }

  /// Passes stdin's flow control up.
  public func resumeWriting() { upper.target.resumeWriting() }

  // MARK: The transport of the protocol above

  /// The protocol above.
  public var streamProtocol: any StreamProtocol { upper.target }

  /// Hands later callbacks to `newProtocol`.
  public func setProtocol(_ newProtocol: any StreamProtocol) { upper.set(newProtocol) }

  /// True once ``close()`` or ``abort()`` was called.
  public var isClosing: Bool { closeRequested }

  /// Closes stdin once it has drained and stops reading stdout; the child exits on its own.
  public func close() {
    guard !closeRequested else { return }
    closeRequested = true
    stdin?.writeEOF()
    stdout?.close()
  }

  /// Drops what is queued for stdin, closes the pipes and kills the child.
  public func abort() {
    closeRequested = true
    stdin?.abort()
    process?.close()
  }

  /// Writes to the child's stdin.
  public func write(_ data: ByteBuffer) { stdin?.write(data) }

  /// Writes several buffers to the child's stdin.
  public func write(contentsOf buffers: [ByteBuffer]) { stdin?.write(contentsOf: buffers) }

  /// Closes the child's stdin once it has drained.
  public func writeEOF() { stdin?.writeEOF() }

  /// True when the child has a stdin pipe.
  public var canWriteEOF: Bool { stdin != nil }

  /// Stops reading the child's stdout.
  public func pauseReading() { stdout?.pauseReading() }

  /// Reads the child's stdout again.
  public func resumeReading() { stdout?.resumeReading() }

  /// True while the child's stdout is read.
  public var isReading: Bool { stdout?.isReading ?? false }

  /// Runs `work` at the loop's next turn while the child's stdout is open.
  public func callOnNextTurn(_ work: @escaping () -> Void) -> Bool {
    stdout?.callOnNextTurn(work) ?? false
  }

  /// Bytes queued for the child's stdin.
  public var writeBufferSize: Int { stdin?.writeBufferSize ?? 0 }

  /// The water marks of the child's stdin.
  public var writeBufferLimits: WriteBufferLimits { stdin?.writeBufferLimits ?? WriteBufferLimits() }

  /// Sets the water marks of the child's stdin.
  public func setWriteBufferLimits(high: Int?, low: Int?) {
    stdin?.setWriteBufferLimits(high: high, low: low)
  }
}
