import CEddySystem
import EddyProtocols
import EddyReactor

extension EventLoop {
  /// Connects the read end of a pipe, a FIFO or a tty to a protocol made by `protocolFactory`:
  /// `dataReceived` with what arrives, then `eofReceived` and `connectionLost` once the writer
  /// closes. The transport's write side is shut from the start.
  ///
  /// The transport takes ownership of `fd`: it makes it non-blocking and closes it when the
  /// connection ends, or at once when this call throws. Call from the loop's thread.
  public func connectReadPipe(
    fd: Int32, protocolFactory: () -> any StreamProtocol
  ) throws(PipeError) -> DescriptorStreamTransport {
    try connectPipe(fd: fd, kind: .readPipe, protocol: protocolFactory())
  }

  /// Connects the write end of a pipe, a FIFO or a tty to a protocol made by `protocolFactory`,
  /// with the same write buffer and water marks as a socket. `writeEOF()` closes the descriptor
  /// once the buffer has drained; a reader going away while bytes are queued ends the
  /// connection with `EPIPE`. SIGPIPE is ignored from then on if it had its default disposition.
  ///
  /// The transport takes ownership of `fd` as ``connectReadPipe(fd:protocolFactory:)`` does.
  public func connectWritePipe(
    fd: Int32, protocolFactory: () -> any StreamProtocol
  ) throws(PipeError) -> DescriptorStreamTransport {
    try connectPipe(fd: fd, kind: .writePipe, protocol: protocolFactory())
  }

  /// Validates `fd`, makes it non-blocking and starts a transport of `kind` over it; closes
  /// `fd` on failure.
  private func connectPipe(
    fd: Int32, kind: StreamDescriptorKind, protocol: any StreamProtocol
  ) throws(PipeError) -> DescriptorStreamTransport {
    assertInLoopThread()
    do throws(PipeError) {
      try PipeDescriptor.validate(fd)
      guard eddy_set_nonblocking(fd) == 0 else { throw .system(SystemError("fcntl")) }
    } catch {
      systemClose(fd)
      throw error
    }
    do {
      return try startPipe(fd: fd, kind: kind, protocol: `protocol`)
    } catch {
      throw .system(error)
    }
  }

  /// Starts a transport of `kind` over a non-blocking pipe end, ignoring SIGPIPE first for a
  /// write end; closes `fd` on failure.
  func startPipe(
    fd: Int32, kind: StreamDescriptorKind, protocol: any StreamProtocol
  ) throws(SystemError) -> DescriptorStreamTransport {
    if kind == .writePipe && eddy_ignore_sigpipe() != 0 {
      let error = SystemError("sigaction")
      systemClose(fd)
      throw error
    }
    let transport = DescriptorStreamTransport(loop: self, fd: fd, protocol: `protocol`, kind: kind)
    try transport.start()
    return transport
  }
}
