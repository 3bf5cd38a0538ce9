/// A protocol for a child process and the pipes to its standard streams.
///
/// `connectionLost` comes exactly once, only after the process has exited and every pipe
/// is closed.
public protocol SubprocessProtocol: BaseProtocol {
  /// Called exactly once when the process has started, before any other callback.
  func connectionMade(_ transport: any SubprocessTransport)

  /// Called with bytes the child wrote to `fd` (1 for stdout, 2 for stderr).
  func pipeDataReceived(fd: Int32, data: ByteBuffer)

  /// Called once when the pipe for the child's `fd` is closed.
  func pipeConnectionLost(fd: Int32, error: (any Error)?)

  /// Called once when the child has exited; its status is the transport's `returnCode`.
  func processExited()

  /// Called when the data of one burst of reads from the pipe for `fd` has been delivered (see
  /// ``StreamProtocol/readBurstEnded()``).
  func pipeReadBurstEnded(fd: Int32)
}

extension SubprocessProtocol {
  /// Does nothing.
  public func connectionMade(_ transport: any SubprocessTransport) {}
  /// Does nothing.
  public func pipeDataReceived(fd: Int32, data: ByteBuffer) {}
  /// Does nothing.
  public func pipeConnectionLost(fd: Int32, error: (any Error)?) {}
  /// Does nothing.
  public func processExited() {}
  /// Does nothing.
  public func pipeReadBurstEnded(fd: Int32) {}
}
