/// The protocols a server made, in order; touched only on the server loop's thread (the test
/// reaches them through `loop.submit`).
package final class Made<Element: AnyObject>: @unchecked Sendable {
  /// The protocols made so far.
  package var items: [Element] = []

  /// An empty list.
  package init() {}

  /// Keeps `item` and returns it, so a protocol factory can end with `made.add(Protocol())`.
  package func add(_ item: Element) -> Element {
    items.append(item)
    return item
  }
}
