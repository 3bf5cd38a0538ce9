import CEddyURing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Readiness from one-shot poll requests on a Linux io_uring (``EventLoopBackend/ioUring``).
///
/// A descriptor with interest has exactly one poll in flight. The poll completes once; reaping
/// it queues the next one, which goes to the kernel with the loop's next wait. Because a poll
/// armed on a descriptor that is already ready completes at once, a descriptor left ready is
/// reported again turn after turn: the same level-triggered behaviour as ``ReadinessQueue``.
/// Interest changes cost no system call of their own: they become cancellations and polls
/// queued for the next `io_uring_enter`, which also waits. Only removing a descriptor submits at
/// once, so the kernel drops its hold on the file before the caller closes it.
final class PollRing {
  /// What the ring knows of one descriptor, stored at the descriptor's index.
  private struct Slot {
    /// The loop's token, given back with the descriptor's readiness.
    var token: UInt64 = 0
    /// What the loop wants to hear about.
    var interest: Interest = []
    /// What the poll in flight waits for; empty: none is.
    var armed: Interest = []
    /// The tag of the poll in flight, so a completion of a cancelled one is told apart.
    var sequence: UInt32 = 0
    /// In ``PollRing/toArm`` already.
    var queued = false
  }

  /// The tag of a cancellation's own completion, which carries no readiness.
  private static let cancellationTag = UInt64.max

  private let ring: OpaquePointer
  private let capacity: Int
  private var isClosed = false
  private var slots: [Slot] = []
  /// Descriptors whose interest needs a poll armed before the next wait.
  private var toArm: [Int32] = []
  private var nextSequence: UInt32 = 0
  private let completions: UnsafeMutablePointer<eddy_completion>
  private let found: UnsafeMutablePointer<Readiness>

  /// Sets up a ring, or throws ``EventLoopBackendError/ioUringUnavailable(errno:)`` when the
  /// kernel refuses one. `setUp` stands in for the kernel in tests.
  init(capacity: Int, setUp: RingSetUp = .kernel) throws(EventLoopBackendError) {
    var ring: OpaquePointer?
    let result = setUp.create(UInt32(capacity) * 2, UInt32(capacity) * 32, &ring)
    guard result == 0, let ring else { throw .ioUringUnavailable(errno: -result) }
    self.ring = ring
    self.capacity = capacity
    self.completions = .allocate(capacity: capacity)
    self.found = .allocate(capacity: capacity)
  }

  /// Cancels every poll and releases the ring. Idempotent.
  func close() {
    guard !isClosed else { return }
    isClosed = true
    eddy_ring_destroy(ring)
  }

  deinit {
    close()
    completions.deallocate()
    found.deallocate()
  }

  /// Changes the interest of `descriptor` from `old` to `new`; an empty set removes it.
  func update(_ descriptor: Int32, token: UInt64, from old: Interest, to new: Interest)
    throws(SystemError)
  {
    guard old != new else { return }
    let index = Int(descriptor)
    if index >= slots.count {
      slots.append(contentsOf: repeatElement(Slot(), count: index + 1 - slots.count))
    }
    var slot = slots[index]
    slot.token = token
    slot.interest = new
    if !slot.armed.isEmpty && slot.armed != new {
      try check(
        eddy_ring_poll_remove(ring, Self.tag(descriptor, slot.sequence), Self.cancellationTag),
        "io_uring poll remove")
      slot.armed = []
      if new.isEmpty { try check(eddy_ring_submit(ring), "io_uring_enter") }
    }
    if !new.isEmpty && slot.armed.isEmpty && !slot.queued {
      slot.queued = true
      toArm.append(descriptor)
    }
    slots[index] = slot
  }

  /// Arms the polls interest changes asked for, submits them and waits up to
  /// `timeoutNanoseconds` (nil: forever); returns how many descriptors are ready, whose
  /// readiness ``readiness(at:)`` gives until the next wait.
  func wait(timeoutNanoseconds: UInt64?) throws(SystemError) -> Int {
    try armQueued()
    let timeout = timeoutNanoseconds.map { Int64(clamping: $0) } ?? -1
    try check(eddy_ring_submit_and_wait(ring, timeout), "io_uring_enter")
    let reaped = Int(eddy_ring_reap(ring, completions, UInt32(capacity)))
    var count = 0
    for index in 0..<reaped {
      let completion = completions[index]
      guard completion.user_data != Self.cancellationTag else { continue }
      let descriptor = Int(truncatingIfNeeded: completion.user_data & 0xFFFF_FFFF)
      let sequence = UInt32(truncatingIfNeeded: completion.user_data >> 32)
      guard descriptor < slots.count else { continue }
      var slot = slots[descriptor]
      // A poll cancelled before it completed: a newer one (or none) stands for the descriptor.
      guard !slot.armed.isEmpty, slot.sequence == sequence else { continue }
      slot.armed = []
      if !slot.interest.isEmpty && !slot.queued {
        slot.queued = true
        toArm.append(Int32(descriptor))
      }
      slots[descriptor] = slot
      let result = completion.result
      let mask = UInt32(bitPattern: result)
      let failed = result < 0 || mask & UInt32(POLLERR | POLLHUP) != 0
      found[count] = Readiness(
        token: slot.token,
        readable: result >= 0 && mask & UInt32(POLLIN | POLLPRI) != 0,
        writable: result >= 0 && mask & UInt32(POLLOUT) != 0,
        failed: failed)
      count += 1
    }
    return count
  }

  /// The readiness of the `index`th descriptor the last ``wait(timeoutNanoseconds:)`` found ready.
  @inline(__always)
  func readiness(at index: Int) -> Readiness { found[index] }

  /// Queues one poll for every descriptor that wants readiness and has none in flight. When the
  /// kernel takes no more, the rest stay queued for the next wait.
  private func armQueued() throws(SystemError) {
    var done = 0
    defer { toArm.removeFirst(done) }
    for descriptor in toArm {
      let index = Int(descriptor)
      var slot = slots[index]
      if slot.armed.isEmpty && !slot.interest.isEmpty {
        let sequence = nextSequence &+ 1
        let mask =
          (slot.interest.contains(.read) ? UInt32(POLLIN) : 0)
          | (slot.interest.contains(.write) ? UInt32(POLLOUT) : 0)
        try check(
          eddy_ring_poll_add(ring, descriptor, mask, Self.tag(descriptor, sequence)), "io_uring poll add")
        nextSequence = sequence
        slot.sequence = sequence
        slot.armed = slot.interest
      }
      slot.queued = false
      slots[index] = slot
      done += 1
    }
  }

  private static func tag(_ descriptor: Int32, _ sequence: UInt32) -> UInt64 {
    UInt64(sequence) << 32 | UInt64(UInt32(bitPattern: descriptor))
  }

  private func check(_ result: Int32, _ operation: String) throws(SystemError) {
    guard result >= 0 else { throw SystemError(operation, errno: -result) }
  }
}

/// How a ``PollRing`` gets its ring: from the kernel, or, in tests, from a stand-in that refuses.
package struct RingSetUp: Sendable {
  /// Creates a ring with the given submission and completion queue sizes; returns 0 or -errno.
  package let create: @Sendable (UInt32, UInt32, inout OpaquePointer?) -> Int32

  /// A set-up that calls `create`.
  package init(create: @escaping @Sendable (UInt32, UInt32, inout OpaquePointer?) -> Int32) {
    self.create = create
  }

  /// `io_uring_setup`.
  package static let kernel = RingSetUp { entries, completions, ring in
    eddy_ring_create(entries, completions, &ring)
  }
}
