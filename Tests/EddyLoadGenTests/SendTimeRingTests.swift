import Testing

@testable import EddyLoadGen

@Suite struct SendTimeRingTests {
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
        #expect(ring.removeFirst() == expected.removeFirst())
      }
      #expect(ring.count == expected.count)
    }
    #expect(ring.count(atOrAfter: expected[expected.count / 2]) == expected.count - expected.count / 2)
    while let time = ring.removeFirst() { #expect(time == expected.removeFirst()) }
    #expect(expected.isEmpty)
    #expect(ring.isEmpty)
  }
}
