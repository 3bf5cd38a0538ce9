import EddyProtocols
import EddyReactor

extension AsyncConnection {
  /// Opens a connection through any callback-style entry point that takes a protocol factory
  /// and reports completion: the way every `async` entry point of Eddy is built, and the way to
  /// add one for a transport of your own.
  ///
  /// `start` runs on `loop`'s thread. It must call the protocol factory at most once, hand the
  /// protocol to a transport, and call the completion exactly once, on the loop's thread, after
  /// the transport has made the connection (success) or when it could not (failure). It returns
  /// the action that cancels the attempt, or nil if it cannot be cancelled.
  ///
  /// Cancelling the awaiting task runs that action; the task gets `CancellationError`, and a
  /// connection made meanwhile is aborted.
  ///
  /// - Throws: the error the completion reports, `CancellationError`, or
  ///   ``/EddyReactor/EventLoopError/closed`` when the loop is closed.
  public static func open(
    on loop: EventLoop, configuration: AsyncConnectionConfiguration = AsyncConnectionConfiguration(),
    _ start:
      @escaping @Sendable (
        _ protocolFactory: @escaping () -> any StreamProtocol,
        _ completion: @escaping (Result<Void, any Error>) -> Void
      ) -> (() -> Void)?
  ) async throws -> AsyncConnection {
    let cancellation = CancellationRelay()
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        let pending = PendingOpen(loop: loop, configuration: configuration, continuation: continuation)
        cancellation.attach(pending, on: loop)
        loop.execute { pending.start(start) }
      }
    } onCancel: {
      cancellation.fire(on: loop)
    }
  }
}
