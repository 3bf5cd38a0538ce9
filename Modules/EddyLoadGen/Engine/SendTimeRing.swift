/// The send times of one connection's outstanding messages, oldest first: a ring buffer that
/// grows by doubling and otherwise never allocates.
struct SendTimeRing {
  private var storage: [UInt64]
  private var head = 0
  /// The number of times held.
  private(set) var count = 0

  /// A ring with room for at least `capacity` times before it first grows.
  init(capacity: Int) {
    var size = 1
    while size < capacity { size &<<= 1 }
    storage = [UInt64](repeating: 0, count: size)
  }

  /// True when nothing is outstanding.
  var isEmpty: Bool { count == 0 }

  /// Appends the newest time.
  @inline(__always)
  mutating func append(_ time: UInt64) {
    if count == storage.count { grow() }
    storage[(head &+ count) & (storage.count &- 1)] = time
    count &+= 1
  }

  /// Appends `count` copies of `time`.
  @inline(__always)
  mutating func append(_ time: UInt64, count copies: Int) {
    for _ in 0..<copies { append(time) }
  }

  /// Removes and returns the oldest time, or nil when empty.
  @inline(__always)
  mutating func removeFirst() -> UInt64? {
    guard count > 0 else { return nil }
    let time = storage[head]
    head = (head &+ 1) & (storage.count &- 1)
    count &-= 1
    return time
  }

  /// How many held times are at or after `threshold`.
  func count(atOrAfter threshold: UInt64) -> Int {
    var found = 0
    for offset in 0..<count where storage[(head + offset) & (storage.count - 1)] >= threshold {
      found += 1
    }
    return found
  }

  /// Forgets every time.
  mutating func removeAll() {
    head = 0
    count = 0
  }

  private mutating func grow() {
    var larger = [UInt64](repeating: 0, count: storage.count * 2)
    for offset in 0..<count { larger[offset] = storage[(head + offset) & (storage.count - 1)] }
    storage = larger
    head = 0
  }
}
