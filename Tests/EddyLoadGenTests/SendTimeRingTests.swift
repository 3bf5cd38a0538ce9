import Testing

@testable import EddyLoadGen

@Suite struct SendTimeRingTests {
  /// Drains `ring` one message at a time into a flat list of times.
  private func drain(_ ring: inout SendTimeRing) -> [UInt64] {
    var times: [UInt64] = []
    while let (time, count) = ring.removeFirst(upTo: 1) {
      #expect(count == 1)
      times.append(time)
    }
    return times
  }

  @Test func keepsOrderAcrossWrapAndGrowth() {
    var ring = SendTimeRing(capacity: 3)
    var expected: [UInt64] = []
    var next: UInt64 = 0
    // Interleave appends and removals so the head wraps before the ring has to grow.
    for round in 0..<50 {
      for _ in 0..<(round % 7 + 1) {
        ring.append(next)
        expected.append(next)
        next += 1
      }
      for _ in 0..<(round % 5) where !expected.isEmpty {
        #expect(ring.removeFirst(upTo: 1)?.time == expected.removeFirst())
      }
      #expect(ring.count == expected.count)
    }
    #expect(ring.count(atOrAfter: expected[expected.count / 2]) == expected.count - expected.count / 2)
    #expect(drain(&ring) == expected)
    #expect(ring.isEmpty)
  }

  @Test func messagesSentTogetherFormOneRunThatSplitsOnRemoval() {
    var ring = SendTimeRing(capacity: 2)
    ring.append(10, count: 3)
    ring.append(10)
    ring.append(20, count: 2)
    #expect(ring.count == 6)
    #expect(ring.removeFirst(upTo: 3)! == (10, 3))
    #expect(ring.removeFirst(upTo: 5)! == (10, 1))
    #expect(ring.count(atOrAfter: 15) == 2)
    #expect(ring.removeFirst(upTo: 5)! == (20, 2))
    #expect(ring.removeFirst(upTo: 1) == nil)
    #expect(ring.isEmpty)
  }
}
