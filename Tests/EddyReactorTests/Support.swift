import EddyReactor

/// A thread-safe list that loop callbacks append to and the test reads.
final class Recorder<Element: Sendable>: Sendable {
  private let items = Locked<[Element]>([])
  func append(_ item: Element) { items.withLock { $0.append(item) } }
  var values: [Element] { items.withLock { $0 } }
}
