import EddyReactor

/// Runs `body` with a group of `loops` loops that is shut down afterwards.
@discardableResult
package func withGroup<Result>(
  loops: Int = 1, _ body: (EventLoopGroup) async throws -> Result
) async throws -> Result {
  let group = try EventLoopGroup(loops: loops, name: "test")
  defer { group.shutdown() }
  return try await body(group)
}

/// Runs `body` with a one-loop group that is shut down afterwards.
@discardableResult
package func withLoop<Result>(_ body: (EventLoop) async throws -> Result) async throws -> Result {
  try await withGroup { group in try await body(group.loops[0]) }
}
