import EddyProtocols
import EddyReactor

/// One opening of an ``AsyncConnection`` through a callback-style entry point, on the loop's
/// thread: it makes the connection's protocol, awaits the entry point's completion, and turns
/// a cancellation of the awaiting task into a cancellation of the attempt.
///
/// Everything but `deinit` runs on the loop's thread. If the loop drops the work that starts it
/// (the loop is closed), the awaiting task gets ``EddyReactor/EventLoopError/closed``.
final class PendingOpen: @unchecked Sendable {
  /// Starts a callback-style attempt with a protocol factory and a completion; returns the
  /// action that cancels it.
  typealias Start = (
    _ protocolFactory: @escaping () -> any StreamProtocol,
    _ completion: @escaping (Result<Void, any Error>) -> Void
  ) -> (() -> Void)?

  private let loop: EventLoop
  private let configuration: AsyncConnectionConfiguration
  private var continuation: CheckedContinuation<AsyncConnection, any Error>?
  private var cancelAttempt: (() -> Void)?
  private var cancelRequested = false
  private var bridge: StreamBridge?

  init(
    loop: EventLoop, configuration: AsyncConnectionConfiguration,
    continuation: CheckedContinuation<AsyncConnection, any Error>
  ) {
    self.loop = loop
    self.configuration = configuration
    self.continuation = continuation
  }

  deinit {
    continuation?.resume(throwing: EventLoopError.closed)
  }

  /// Starts the attempt, unless cancelled already.
  func start(_ start: Start) {
    loop.assertInLoopThread()
    guard !cancelRequested else {
      complete(.failure(CancellationError()))
      return
    }
    let factory = { [self] () -> any StreamProtocol in
      let made = StreamBridge.make(loop: loop, configuration: configuration)
      bridge = made.bridge
      return made.protocol
    }
    let cancel = start(factory) { [self] result in complete(result) }
    if continuation != nil { cancelAttempt = cancel }
  }

  /// Cancels the attempt; the awaiting task gets `CancellationError` unless it has its
  /// connection already.
  func cancel() {
    loop.assertInLoopThread()
    cancelRequested = true
    let cancel = cancelAttempt
    cancelAttempt = nil
    cancel?()
  }

  private func complete(_ result: Result<Void, any Error>) {
    guard let continuation else { return }
    self.continuation = nil
    cancelAttempt = nil
    switch result {
    case .success where cancelRequested:
      bridge?.abort()
      continuation.resume(throwing: CancellationError())
    case .success:
      guard let bridge, bridge.transport != nil else {
        continuation.resume(throwing: AsyncConnectionError.closed)
        return
      }
      continuation.resume(returning: AsyncConnection(bridge: bridge))
    case .failure(let error):
      continuation.resume(throwing: cancelRequested ? CancellationError() : error)
    }
  }
}
