import EddyProtocols

/// Request mode: finds where each reply ends, frame by frame or in a byte stream, and checks
/// it against the expectation. A pure state machine: the connection feeds it what arrives and
/// learns of every reply completed and whether it matched.
struct ReplyAssembler {
  private let rule: ReplyRule
  /// The expectation's bytes; empty when nothing is checked.
  private let expected: [UInt8]
  /// The reply (first frame) must be exactly ``expected``, not only begin with it.
  private let exact: Bool
  private let checks: Bool
  /// Frames of the reply being received.
  private var frames = 0
  /// Bytes of the reply being received (byte stream), or of its first frame.
  private var length = 0
  /// A byte of the reply being received differed from the expectation.
  private var differs = false
  private var terminators: [TerminatorMatcher]

  init(rule: ReplyRule, expectation: ReplyExpectation?) {
    self.rule = rule
    expected = expectation?.bytes ?? []
    checks = expectation != nil
    if case .equal = expectation { exact = true } else { exact = false }
    if case .until(let texts) = rule {
      terminators = texts.map(TerminatorMatcher.init)
    } else {
      terminators = []
    }
  }

  /// Takes one decoded frame; returns nil while the reply goes on, else whether it matched.
  mutating func take(frame: ByteBuffer) -> Bool? {
    if frames == 0 && checks {
      frame.withUnsafeReadableBytes { bytes in
        for byte in bytes { check(byte) }
      }
      length = frame.readableBytes
    }
    frames &+= 1
    let complete: Bool
    switch rule {
    case .frames(let count): complete = frames == count
    case .until(let texts):
      complete = frame.withUnsafeReadableBytes { bytes in texts.contains { $0.elementsEqual(bytes) } }
    case .bytes: complete = true
    }
    return complete ? finish() : nil
  }

  /// Takes bytes of the stream, calling `reply` once per reply they complete with whether it
  /// matched. The scan works on local copies of the state, so the loop over the bytes touches
  /// no stored property (and makes no uniqueness or exclusivity check) per byte.
  mutating func take(bytes data: ByteBuffer, reply: (_ matched: Bool) -> Void) {
    var length = self.length
    var differs = self.differs
    let expected = self.expected
    let exact = self.exact
    let checks = self.checks
    @inline(__always) func check(_ byte: UInt8) {
      if length < expected.count {
        if expected[length] != byte { differs = true }
      } else if exact {
        differs = true
      }
    }
    @inline(__always) func ended() {
      reply(!checks || (!differs && length >= expected.count))
      length = 0
      differs = false
    }
    data.withUnsafeReadableBytes { bytes in
      switch rule {
      case .bytes(let size):
        var index = 0
        while index < bytes.count {
          let run = min(bytes.count &- index, size &- length)
          if checks {
            for offset in index..<(index &+ run) {
              check(bytes[offset])
              length &+= 1
            }
          } else {
            length &+= run
          }
          index &+= run
          if length == size { ended() }
        }
      case .until, .frames:
        terminators.withUnsafeMutableBufferPointer { matchers in
          for byte in bytes {
            if checks { check(byte) }
            length &+= 1
            var complete = false
            for index in matchers.indices where matchers[index].advance(byte) { complete = true }
            guard complete else { continue }
            ended()
            for index in matchers.indices { matchers[index].reset() }
          }
        }
      }
    }
    self.length = length
    self.differs = differs
  }

  /// Compares the reply's next byte with the expectation.
  @inline(__always)
  private mutating func check(_ byte: UInt8) {
    if length < expected.count {
      if expected[length] != byte { differs = true }
    } else if exact {
      differs = true
    }
    length &+= 1
  }

  /// Ends the reply: whether it matched, and a fresh state for the next.
  private mutating func finish() -> Bool {
    let matched = !checks || (!differs && length >= expected.count)
    frames = 0
    length = 0
    differs = false
    for index in terminators.indices { terminators[index].reset() }
    return matched
  }
}

/// Finds one byte sequence in a stream that arrives in arbitrary pieces (Knuth–Morris–Pratt:
/// each byte is looked at once, whatever the chunking).
struct TerminatorMatcher {
  private let pattern: [UInt8]
  /// For each prefix length, the longest proper prefix that is also its suffix.
  private let fallback: [Int]
  private var matched = 0

  init(_ pattern: [UInt8]) {
    self.pattern = pattern
    var fallback = [Int](repeating: 0, count: pattern.count)
    var length = 0
    for index in pattern.indices.dropFirst() {
      while length > 0 && pattern[index] != pattern[length] { length = fallback[length - 1] }
      if pattern[index] == pattern[length] { length += 1 }
      fallback[index] = length
    }
    self.fallback = fallback
  }

  /// Takes the next byte; true when it completes the pattern.
  @inline(__always)
  mutating func advance(_ byte: UInt8) -> Bool {
    while matched > 0 && pattern[matched] != byte { matched = fallback[matched &- 1] }
    if pattern[matched] == byte { matched &+= 1 }
    guard matched == pattern.count else { return false }
    matched = 0
    return true
  }

  /// Forgets a partial match.
  mutating func reset() { matched = 0 }
}
