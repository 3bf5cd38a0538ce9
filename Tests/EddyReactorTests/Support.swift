import EddyReactor

/// A thread-safe list that loop callbacks append to and the test reads.
final class Recorder<Element: Sendable>: Sendable {
  private let items = Locked<[Element]>([])
  func append(_ item: Element) { items.withLock { $0.append(item) } }
  var values: [Element] { items.withLock { $0 } }
}

/// Polls until `condition` holds or `seconds` pass.
@discardableResult
func eventually(within seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
  let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
  while ContinuousClock.now < deadline {
    if condition() { return true }
    try? await Task.sleep(for: .milliseconds(2))
  }
  return condition()
}

/// Runs `body` with a one-loop group that is shut down afterwards.
@discardableResult
func withLoop<Result>(_ body: (EventLoop) async throws -> Result) async throws -> Result {
  let group = try EventLoopGroup(loops: 1, name: "reactor-test")
  defer { group.shutdown() }
  return try await body(group.loops[0])
}
