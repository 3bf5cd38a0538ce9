import EddyProtocols

/// The stream protocol of one pipe to a child: hands what happens on it to the child's transport,
/// tagged with the child's stream number.
final class SubprocessPipeProtocol: StreamProtocol {
  /// Held until the pipe's connection ends; the pipe transport then drops this protocol.
  private let owner: ChildProcessTransport
  private let number: Int32

  init(owner: ChildProcessTransport, number: Int32) {
    self.owner = owner
    self.number = number
  }

  func dataReceived(_ data: ByteBuffer) { owner.pipeDataReceived(number, data) }

  func readBurstEnded() { owner.pipeReadBurstEnded(number) }

  func eofReceived() -> Bool { false }

  func connectionLost(_ error: (any Error)?) { owner.pipeLost(number, error: error) }

  func pauseWriting() { owner.stdinPaused() }

  func resumeWriting() { owner.stdinResumed() }
}
