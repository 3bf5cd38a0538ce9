import EddyReactor

/// Runs `body` with a group of `loops` loops on `backend` (nil: the default) that is shut down
/// afterwards.
@discardableResult
package func withGroup<Result>(
  loops: Int = 1, backend: EventLoopBackend? = nil, _ body: (EventLoopGroup) async throws -> Result
) async throws -> Result {
  let group = try EventLoopGroup(loops: loops, name: "test", backend: backend)
  defer { group.shutdown() }
  return try await body(group)
}

/// Runs `body` with a one-loop group on `backend` (nil: the default) that is shut down afterwards.
@discardableResult
package func withLoop<Result>(
  backend: EventLoopBackend? = nil, _ body: (EventLoop) async throws -> Result
) async throws -> Result {
  try await withGroup(backend: backend) { group in try await body(group.loops[0]) }
}

/// The backends this kernel offers: epoll always, io_uring where it may be set up.
package let offeredBackends: [EventLoopBackend] =
  (try? EventLoop(backend: .ioUring)) != nil ? [.epoll, .ioUring] : [.epoll]
