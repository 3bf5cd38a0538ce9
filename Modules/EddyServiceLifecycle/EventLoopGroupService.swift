import EddyReactor
import ServiceLifecycle

/// An ``/EddyReactor/EventLoopGroup`` as a swift-service-lifecycle `Service`: it keeps the
/// group's loops running until the service group shuts down, then shuts the loops down. List it
/// after the servers that run on it: a service group ends its services in reverse order, so the
/// servers drain first.
public struct EventLoopGroupService: Service {
  /// The loops.
  public let group: EventLoopGroup

  /// A service for `group`.
  public init(_ group: EventLoopGroup) {
    self.group = group
  }

  /// Waits for the group's graceful shutdown (or cancellation), then shuts the loops down.
  public func run() async throws {
    defer { group.shutdown() }
    try await gracefulShutdown()
  }
}
