import EddyReactor

/// A thread-safe list that loop callbacks append to and the test reads.
package final class Recorder<Element: Sendable>: Sendable {
  private let items = Locked<[Element]>([])

  /// An empty list.
  package init() {}

  /// Appends `item`.
  package func append(_ item: Element) { items.withLock { $0.append(item) } }

  /// Everything appended so far, in order.
  package var values: [Element] { items.withLock { $0 } }
}
