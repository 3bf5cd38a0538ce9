import EddyProtocols
import EddyReactor

/// One opening of an ``AsyncConnection`` through a callback-style entry point, on the loop's
/// thread: it makes the connection's protocol, awaits the entry point's completion, and turns
/// a cancellation of the awaiting task into a cancellation of the attempt.
///
/// With layers that make the connection later than the transport (TLS, after its handshake),
/// the opening waits for the connection's protocol to be connected, through an
/// ``OpeningWatch`` that also reports a transport ending first (a failed handshake).
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
  private var watch: OpeningWatch?
  /// The transport is connected; the layers have not connected the bridge yet.
  private var awaitingLayers = false

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
      made.bridge.onConnectionMade = { [self] _ in layersConnected() }
      guard configuration.layers != nil else { return made.protocol }
      let watch = OpeningWatch(inner: made.protocol) { [self] error in layersEnded(error) }
      self.watch = watch
      return watch
    }
    let cancel = start(factory) { [self] result in complete(result) }
    if continuation != nil { cancelAttempt = cancel }
  }

  /// Cancels the attempt; the awaiting task gets `CancellationError` unless it has its
  /// connection already.
  func cancel() {
    loop.assertInLoopThread()
    cancelRequested = true
    if awaitingLayers {
      watch?.underlyingTransport?.abort()
      finish(.failure(CancellationError()))
      return
    }
    let cancel = cancelAttempt
    cancelAttempt = nil
    cancel?()
  }

  private func complete(_ result: Result<Void, any Error>) {
    guard continuation != nil else { return }
    cancelAttempt = nil
    switch result {
    case .success where cancelRequested:
      abortUnderneath()
      finish(.failure(CancellationError()))
    case .success where bridge?.transport != nil:
      finish(.success(()))
    case .success where watch != nil:
      awaitingLayers = true
    case .success:
      abortUnderneath()
      finish(.failure(AsyncConnectionError.closed))
    case .failure(let error):
      finish(.failure(cancelRequested ? CancellationError() : error))
    }
  }

  /// The bridge is connected: done, if the transport's completion came first.
  private func layersConnected() {
    guard awaitingLayers else { return }
    finish(.success(()))
  }

  /// The transport ended before the layers connected the bridge.
  private func layersEnded(_ error: (any Error)?) {
    finish(.failure(error ?? AsyncConnectionError.closed))
  }

  private func abortUnderneath() {
    if let transport = bridge?.transport {
      transport.abort()
    } else {
      watch?.underlyingTransport?.abort()
    }
  }

  /// Resumes the awaiting task once: with the connection, or the error.
  private func finish(_ result: Result<Void, any Error>) {
    guard let continuation else { return }
    self.continuation = nil
    awaitingLayers = false
    bridge?.onConnectionMade = nil
    watch?.stepAside()
    watch = nil
    switch result {
    case .success:
      continuation.resume(returning: AsyncConnection(bridge: bridge!))
    case .failure(let error):
      continuation.resume(throwing: error)
    }
  }
}
