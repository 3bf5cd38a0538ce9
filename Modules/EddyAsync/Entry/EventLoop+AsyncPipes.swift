import EddyProtocols
import EddyReactor
import EddyTransports

extension EventLoop {
  /// Connects the read end of a pipe, a FIFO or a tty as an ``AsyncConnection`` that only
  /// reads: its inbound sequence ends when the writer closes, and writes throw
  /// ``AsyncConnectionError/outputClosed``. Takes ownership of `fd`, as
  /// ``/EddyTransports/EddyReactor/EventLoop/connectReadPipe(fd:protocolFactory:)`` does. Safe from any task.
  ///
  /// - Throws: ``/EddyTransports/PipeError``, ``/EddyReactor/EventLoopError/closed``.
  public func connectReadPipe(
    fd: Int32, configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncConnection {
    let connection = try await adoptPipe(fd: fd, configuration: configuration) { fd, protocolFactory in
      _ = try self.connectReadPipe(fd: fd, protocolFactory: protocolFactory)
    }
    connection.refuseWrites()
    return connection
  }

  /// Connects the write end of a pipe, a FIFO or a tty as an ``AsyncConnection`` that writes:
  /// writes suspend while the reader is slow, and ``AsyncConnection/writeEOF()`` closes the pipe
  /// once what was written has drained. Takes ownership of `fd`, as
  /// ``/EddyTransports/EddyReactor/EventLoop/connectWritePipe(fd:protocolFactory:)`` does.
  ///
  /// - Throws: ``/EddyTransports/PipeError``, ``/EddyReactor/EventLoopError/closed``.
  public func connectWritePipe(
    fd: Int32, configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration()
  ) async throws -> AsyncConnection {
    try await adoptPipe(fd: fd, configuration: configuration) { fd, protocolFactory in
      _ = try self.connectWritePipe(fd: fd, protocolFactory: protocolFactory)
    }
  }

  /// Runs `connect` on the loop with the connection's protocol; closes `fd` when the loop is
  /// closed and so never took it.
  private func adoptPipe(
    fd: Int32, configuration: AsyncConnectionConfiguration,
    _ connect: @escaping @Sendable (Int32, () -> any StreamProtocol) throws -> Void
  ) async throws -> AsyncConnection {
    do {
      return try await submit {
        let made = StreamBridge.make(loop: self, configuration: configuration)
        try connect(fd) { made.protocol }
        return AsyncConnection(bridge: made.bridge)
      }
    } catch EventLoopError.closed {
      systemClose(fd)
      throw EventLoopError.closed
    }
  }
}
