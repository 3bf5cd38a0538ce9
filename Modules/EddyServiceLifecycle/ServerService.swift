import EddyTransports
import ServiceLifecycle

/// A callback ``/EddyTransports/Server`` as a swift-service-lifecycle `Service`: it runs until
/// the service group shuts down gracefully, then drains with
/// ``/EddyTransports/Server/shutdown(gracePeriod:)`` (every connection closed gracefully at its
/// outermost layer, TLS with close_notify; what is open after the grace period aborted) and
/// returns once every connection has ended. Cancelling the group aborts the connections.
public struct ServerService: Service {
  /// The server run.
  public let server: Server
  /// How long connections get to finish after a graceful shutdown begins.
  public let gracePeriod: Duration

  /// A service for `server`, draining for at most `gracePeriod`.
  public init(_ server: Server, gracePeriod: Duration = .seconds(5)) {
    self.server = server
    self.gracePeriod = gracePeriod
  }

  /// Waits for the group's graceful shutdown, then drains.
  public func run() async throws {
    do {
      try await gracefulShutdown()
    } catch {
      server.close()
      server.abortClients()
      await server.waitClosed()
      throw error
    }
    await server.shutdown(gracePeriod: gracePeriod)
  }
}
