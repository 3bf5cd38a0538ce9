import EddyTLS

/// Time that passes only when a test says so, for driving a layer with no event loop.
final class ManualClock: @unchecked Sendable {
  // @unchecked: used from the test's thread only.
  private struct Entry {
    let id: Int
    let due: Duration
    let body: () -> Void
  }

  private(set) var now: Duration = .zero
  private var entries: [Entry] = []
  private var nextID = 0

  /// A timer scheduling on this clock.
  var timer: TLSTimer {
    TLSTimer { [self] delay, body in schedule(after: delay, body) }
  }

  private func schedule(after delay: Duration, _ body: @escaping () -> Void) -> TLSTimer.Cancel {
    nextID += 1
    let id = nextID
    entries.append(Entry(id: id, due: now + delay, body: body))
    return { [weak self] in self?.entries.removeAll { $0.id == id } }
  }

  /// The number of callbacks waiting.
  var pendingCount: Int { entries.count }

  /// Moves time forward by `delay`, running every callback that falls due, earliest first.
  func advance(by delay: Duration = .zero) {
    let target = now + delay
    while let next = entries.filter({ $0.due <= target }).min(by: { ($0.due, $0.id) < ($1.due, $1.id) }) {
      entries.removeAll { $0.id == next.id }
      now = next.due
      next.body()
    }
    now = target
  }
}
