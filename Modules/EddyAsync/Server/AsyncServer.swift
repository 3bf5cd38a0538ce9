import EddyProtocols
import EddyReactor
import EddyTransports
import Synchronization

/// A listening server for `async` code: ``serve(_:)`` hands every accepted connection to a
/// handler running in a child task of its own.
///
/// Create one with `listen` on an `EventLoop` or `EventLoopGroup`. Accepted connections wait
/// for ``serve(_:)`` in an unbounded queue; each is a live socket, so the process's descriptor
/// limit bounds it.
public final class AsyncServer: Sendable {
  private let server: Server
  private let accepted: AsyncStream<AsyncConnection>
  private let acceptedSink: AsyncStream<AsyncConnection>.Continuation
  private let isServing = Atomic<Bool>(false)
  /// The connections accepted and not yet finished by their handler, for ``shutdown(gracePeriod:)``.
  private let live = Locked<[ObjectIdentifier: AsyncConnection]>([:])

  private init(
    configuration: AsyncConnectionConfiguration,
    create: (_ protocolFactory: @escaping @Sendable () -> any StreamProtocol) throws -> Server
  ) rethrows {
    let (accepted, sink) = AsyncStream.makeStream(of: AsyncConnection.self)
    self.accepted = accepted
    self.acceptedSink = sink
    let live = self.live
    self.server = try create {
      guard let loop = EventLoop.current else { preconditionFailure("protocols are made on a loop's thread") }
      let made = StreamBridge.make(loop: loop, configuration: configuration)
      made.bridge.onConnectionMade = { bridge in
        let connection = AsyncConnection(bridge: bridge)
        live.withLock { $0[ObjectIdentifier(connection)] = connection }
        if case .terminated = sink.yield(connection) {
          live.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(connection)) }
          connection.abort()
        }
      }
      return made.protocol
    }
  }

  /// Creates the server with `create` and returns once `acceptLoop` has started accepting.
  /// A task cancelled meanwhile closes the server and gets `CancellationError`.
  static func start(
    acceptLoop: EventLoop, configuration: AsyncConnectionConfiguration,
    create: (_ protocolFactory: @escaping @Sendable () -> any StreamProtocol) throws -> Server
  ) async throws -> AsyncServer {
    let made = try AsyncServer(configuration: configuration, create: create)
    do {
      try await acceptLoop.submit {}
      try Task.checkCancellation()
    } catch {
      made.close()
      throw error
    }
    return made
  }

  /// The bound addresses (with the ports the kernel picked when port 0 was asked for).
  public var addresses: [SocketAddress] { server.addresses }

  /// The first bound port.
  public var port: Int? { server.port }

  /// The number of connections open right now.
  public var connectionCount: Int { server.connectionCount }

  /// Stops listening. ``serve(_:)`` hands out the connections already accepted, waits for
  /// every handler to finish and every connection to close, then returns. Idempotent.
  public func close() {
    server.close()
    acceptedSink.finish()
  }

  /// Shuts down gracefully: stops listening, ends every connection's input (a handler waiting
  /// for the next request sees its ``AsyncConnection/inbound`` end and returns; one in the middle
  /// of a request finishes it and writes its reply), waits for the handlers and connections to
  /// finish, and aborts what is still open after `gracePeriod`. Returns once every connection has
  /// ended; ``serve(_:)`` returns then too.
  public func shutdown(gracePeriod: Duration) async {
    close()
    for connection in live.withLock({ Array($0.values) }) { connection.endInput() }
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      server.abortClients(after: gracePeriod) { continuation.resume() }
    }
  }

  /// Calls `body` once the server is closed and every connection has ended (see
  /// `Server.whenClosed(_:)`), for code that is not `async`.
  public func whenClosed(_ body: @escaping @Sendable () -> Void) {
    server.whenClosed(body)
  }

  /// Serves every accepted connection with `handler`, each in a child task of its own, until
  /// ``close()`` is called or the serving task is cancelled. Call once.
  ///
  /// Each handler's task prefers its connection's loop as its executor: the handler's
  /// non-isolated code runs on the loop's thread, so a received chunk reaches it and its writes
  /// reach the socket without a hop between threads. A handler that blocks its thread blocks the
  /// loop and every connection on it; hand such work to another executor.
  ///
  /// When a handler returns, its connection closes gracefully; when it throws, the connection
  /// is aborted and the error goes to the loop's `errorHandler`. Cancelling the serving task
  /// stops listening, aborts every connection, cancels the handlers and waits for them.
  /// Either way it returns only once every handler has finished and every connection is
  /// closed.
  ///
  /// - Throws: `CancellationError` when the serving task was cancelled.
  public func serve(_ handler: @escaping @Sendable (AsyncConnection) async throws -> Void) async throws {
    precondition(!isServing.exchange(true, ordering: .relaxed), "an AsyncServer serves once")
    await withDiscardingTaskGroup { group in
      for await connection in accepted {
        group.addTask(executorPreference: connection.loop) { [live] in
          await Self.handle(connection, with: handler)
          live.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(connection)) }
        }
      }
      close()
      if Task.isCancelled { server.abortClients() }
    }
    await server.waitClosed()
    try Task.checkCancellation()
  }

  private static func handle(
    _ connection: AsyncConnection, with handler: @Sendable (AsyncConnection) async throws -> Void
  ) async {
    do {
      try await handler(connection)
      if Task.isCancelled { connection.abort() } else { connection.close() }
    } catch {
      connection.abort()
      guard !(error is CancellationError) else { return }
      let loop = connection.loop
      loop.execute { loop.errorHandler(error) }
    }
  }
}
