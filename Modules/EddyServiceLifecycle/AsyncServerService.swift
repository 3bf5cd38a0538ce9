import EddyAsync
import ServiceLifecycle

/// An ``/EddyAsync/AsyncServer`` as a swift-service-lifecycle `Service`: it serves every
/// connection with the handler until the service group shuts down gracefully (on SIGTERM, say),
/// then drains with ``/EddyAsync/AsyncServer/shutdown(gracePeriod:)``: no new connections,
/// handlers waiting for a request end, busy ones finish theirs, and what is still open after
/// the grace period is aborted. Cancelling the group aborts everything at once.
public struct AsyncServerService: Service {
  /// The server served.
  public let server: AsyncServer
  /// How long connections get to finish after a graceful shutdown begins.
  public let gracePeriod: Duration
  private let handler: @Sendable (AsyncConnection) async throws -> Void

  /// A service serving `server` with `handler`, draining for at most `gracePeriod`.
  public init(
    _ server: AsyncServer, gracePeriod: Duration = .seconds(5),
    handler: @escaping @Sendable (AsyncConnection) async throws -> Void
  ) {
    self.server = server
    self.gracePeriod = gracePeriod
    self.handler = handler
  }

  /// Serves until the group shuts down; returns once every connection has ended.
  public func run() async throws {
    let server = server
    let gracePeriod = gracePeriod
    try await withGracefulShutdownHandler {
      try await server.serve(handler)
    } onGracefulShutdown: {
      Task { await server.shutdown(gracePeriod: gracePeriod) }
    }
  }
}
