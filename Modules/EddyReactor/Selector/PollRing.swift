import CEddyURing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Readiness and receives on a Linux io_uring (``EventLoopBackend/ioUring``).
///
/// **Readiness.** A descriptor with read or write interest has exactly one one-shot poll in
/// flight. Reaping its completion queues the next one, which goes to the kernel with the
/// loop's next wait. A poll armed on a descriptor that is already ready completes at once, so a
/// descriptor left ready is reported again turn after turn: the level-triggered behaviour of
/// ``ReadinessQueue``.
///
/// **Receives.** A socket with ``Interest/receive`` has one multishot receive in flight: the
/// kernel receives each chunk into one of the loop's provided buffers (shared by every
/// connection, so an idle one holds none) and completes with it, with no readiness report and
/// no `recv` call. A buffer goes back to the kernel at the next wait, once the chunk was
/// dispatched. Dropping the interest cancels the receive; chunks the kernel completed before
/// the cancellation still arrive, and are dispatched in order.
///
/// **Accepts.** A listening socket with ``Interest/accept`` has one multishot accept in flight:
/// each completion is a connection the kernel accepted, with its new descriptor, and no
/// `accept` call is made. An accept that fails ends; while the interest stays it is armed
/// again at the next wait. A descriptor accepted for a registration that has gone is closed.
///
/// Interest changes cost no system call of their own: they become requests queued for the
/// next `io_uring_enter`, which also waits. Only removing a descriptor submits at once, so the
/// kernel drops its hold on the file before the caller closes it.
final class PollRing {
  /// What the ring knows of one descriptor, stored at the descriptor's index.
  private struct Slot {
    /// The loop's token, given back with the descriptor's readiness and receives.
    var token: UInt64 = 0
    /// What the loop wants.
    var interest: Interest = []
    /// What the poll in flight waits for; empty: none is.
    var armed: Interest = []
    /// The tag of the poll in flight, so a completion of a cancelled one is told apart.
    var sequence: UInt32 = 0
    /// A multishot request (a receive or an accept) is in flight.
    var multishot = false
    /// The tag of the multishot request in flight (or the last one), its kind bits included.
    var multishotTag: UInt64 = 0
    /// Receives and accepts tagged from this sequence on belong to the current registration.
    var firstMultishotSequence: UInt32 = 0
    /// In ``PollRing/toArm`` already.
    var queued = false
  }

  /// The tag of a cancellation's own completion, which carries nothing.
  private static let cancellationTag = UInt64.max
  /// Marks a multishot request's tag (the descriptor's bits hold no more than 30).
  private static let multishotBit: UInt64 = 1 << 31
  /// Marks an accept's tag beside ``multishotBit``: its result is a descriptor to close when
  /// nobody takes it.
  private static let acceptBit: UInt64 = 1 << 30
  /// The interests a multishot request serves.
  private static let multishotInterest: Interest = [.receive, .accept]
  /// Provided receive buffers per loop, and the size of each: 1 MiB in all, few enough that the
  /// buffers the kernel cycles through stay in the cache (256 of them measured slower on
  /// 1 KiB echo), enough that a turn's receives seldom run out (a receive that does is armed
  /// again at the next wait).
  static let bufferCount = 64
  static let bufferSize = 16 * 1024

  private let ring: OpaquePointer
  private let capacity: Int
  private var isClosed = false
  private var slots: [Slot] = []
  /// Descriptors whose interest needs a poll or a receive armed before the next wait.
  private var toArm: [Int32] = []
  private var nextSequence: UInt32 = 0
  private let completions: UnsafeMutablePointer<eddy_completion>
  private let found: UnsafeMutablePointer<Readiness>
  /// The provided buffers, nil where the kernel has no buffer rings (before Linux 5.19).
  private let buffers: UnsafeMutablePointer<UInt8>?
  /// Buffers dispatched in the last batch, given back at the next wait.
  private let used: UnsafeMutablePointer<UInt16>
  private var usedCount = 0

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
    self.used = .allocate(capacity: capacity)
    var base: UnsafeMutablePointer<UInt8>?
    let buffersResult = eddy_ring_setup_buffers(
      ring, UInt32(Self.bufferCount), UInt32(Self.bufferSize), &base)
    self.buffers = buffersResult == 0 ? base : nil
  }

  /// True when sockets can ask for ``Interest/receive`` and listeners for ``Interest/accept``
  /// (both came with Linux 5.19).
  var completesReceives: Bool { buffers != nil }

  /// Cancels every request and releases the ring and its buffers, closing the descriptors of
  /// accepts the kernel completed that no wait reaped. Idempotent.
  func close() {
    guard !isClosed else { return }
    isClosed = true
    while case let reaped = Int(eddy_ring_reap(ring, completions, UInt32(capacity))), reaped > 0 {
      for index in 0..<reaped where isAccept(completions[index]) { closeAccepted(completions[index]) }
    }
    eddy_ring_destroy(ring)
  }

  deinit {
    close()
    completions.deallocate()
    found.deallocate()
    used.deallocate()
  }

  /// Changes the interest of `descriptor` from `old` to `new`; an empty set removes it.
  func update(_ descriptor: Int32, token: UInt64, from old: Interest, to new: Interest)
    throws(SystemError)
  {
    guard old != new else { return }
    assert(
      new.intersection(Self.multishotInterest).isEmpty || completesReceives,
      "receives or accepts asked of a ring without buffers")
    let index = Int(descriptor)
    if index >= slots.count {
      slots.append(contentsOf: repeatElement(Slot(), count: index + 1 - slots.count))
    }
    var slot = slots[index]
    if old.isEmpty { slot.firstMultishotSequence = nextSequence &+ 1 }
    slot.token = token
    slot.interest = new
    var cancelled = false
    let polled = new.subtracting(Self.multishotInterest)
    if !slot.armed.isEmpty && slot.armed != polled {
      try check(
        eddy_ring_cancel(ring, Self.tag(descriptor, slot.sequence), Self.cancellationTag), "io_uring cancel")
      slot.armed = []
      cancelled = true
    }
    if slot.multishot && new.intersection(Self.multishotInterest) != old.intersection(Self.multishotInterest)
    {
      try check(eddy_ring_cancel(ring, slot.multishotTag, Self.cancellationTag), "io_uring cancel")
      slot.multishot = false
      cancelled = true
    }
    if cancelled && new.isEmpty { try check(eddy_ring_submit(ring), "io_uring_enter") }
    if needsArming(slot) && !slot.queued {
      slot.queued = true
      toArm.append(descriptor)
    }
    slots[index] = slot
  }

  /// Gives back the buffers of the last batch, arms the polls and receives interest changes
  /// asked for, submits them and waits up to `timeoutNanoseconds` (nil: forever); returns how
  /// many events there are, which ``readiness(at:)`` gives until the next wait.
  func wait(timeoutNanoseconds: UInt64?) throws(SystemError) -> Int {
    if usedCount > 0 {
      eddy_ring_recycle_buffers(ring, used, UInt32(usedCount))
      usedCount = 0
    }
    try armQueued()
    let timeout = timeoutNanoseconds.map { Int64(clamping: $0) } ?? -1
    try check(eddy_ring_submit_and_wait(ring, timeout), "io_uring_enter")
    let reaped = Int(eddy_ring_reap(ring, completions, UInt32(capacity)))
    var count = 0
    for index in 0..<reaped {
      let completion = completions[index]
      guard completion.user_data != Self.cancellationTag else { continue }
      let descriptor = Int(truncatingIfNeeded: completion.user_data & (Self.acceptBit - 1))
      let sequence = UInt32(truncatingIfNeeded: completion.user_data >> 32)
      let event =
        completion.user_data & Self.multishotBit != 0
        ? completed(completion, descriptor: descriptor, sequence: sequence)
        : polled(completion, descriptor: descriptor, sequence: sequence)
      if let event {
        found[count] = event
        count += 1
      }
    }
    return count
  }

  /// The `index`th event the last ``wait(timeoutNanoseconds:)`` found.
  @inline(__always)
  func readiness(at index: Int) -> Readiness { found[index] }

  /// A poll's completion: the readiness it reports, nil for a poll cancelled before it completed
  /// (a newer one, or none, stands for the descriptor).
  private func polled(_ completion: eddy_completion, descriptor: Int, sequence: UInt32) -> Readiness? {
    guard descriptor < slots.count else { return nil }
    var slot = slots[descriptor]
    guard !slot.armed.isEmpty, slot.sequence == sequence else { return nil }
    slot.armed = []
    queueIfNeeded(&slot, descriptor)
    slots[descriptor] = slot
    let result = completion.result
    let mask = UInt32(bitPattern: result)
    return Readiness(
      token: slot.token,
      readable: result >= 0 && mask & UInt32(POLLIN | POLLPRI) != 0,
      writable: result >= 0 && mask & UInt32(POLLOUT) != 0,
      failed: result < 0 || mask & UInt32(POLLERR | POLLHUP) != 0)
  }

  /// A receive's or an accept's completion: the bytes (also those of a receive cancelled after
  /// the kernel completed it), the accepted descriptor, or the end; nil when it belongs to an
  /// earlier registration, when it was cancelled, or when it ran out of buffers (it is armed
  /// again).
  private func completed(_ completion: eddy_completion, descriptor: Int, sequence: UInt32) -> Readiness? {
    guard descriptor < slots.count, sequence &- slots[descriptor].firstMultishotSequence < (1 << 31) else {
      discard(completion)
      return nil
    }
    var slot = slots[descriptor]
    let current = slot.multishot && slot.multishotTag == completion.user_data
    let goesOn = completion.flags & EDDY_COMPLETION_MORE != 0
    if current && !goesOn {
      slot.multishot = false
      queueIfNeeded(&slot, descriptor)
      slots[descriptor] = slot
    }
    let result = completion.result
    if isAccept(completion) {
      if result >= 0 {
        return Readiness(
          token: slot.token, readable: false, writable: false, failed: false, received: .accepted(result))
      }
      // A failed accept is armed again while the interest stays; the listener hears of the
      // failures that are not a race with the peer or the loop.
      guard current, result != -ECANCELED, result != -EINTR, result != -EAGAIN, result != -ECONNABORTED
      else { return nil }
      return Readiness(
        token: slot.token, readable: false, writable: false, failed: false, received: .ended(errno: -result))
    }
    if result > 0, completion.flags & EDDY_COMPLETION_BUFFER != 0, let buffers {
      let id = UInt16(truncatingIfNeeded: completion.flags >> 16)
      used[usedCount] = id
      usedCount += 1
      let bytes = UnsafeRawBufferPointer(start: buffers + Int(id) * Self.bufferSize, count: Int(result))
      return Readiness(
        token: slot.token, readable: false, writable: false, failed: false, received: .bytes(bytes))
    }
    // The end of a receive that is no longer wanted, or one that ran out of buffers or was
    // interrupted (armed again above: the kernel's task-work notifications can interrupt a
    // receive, and a retry is what it asks for), carries nothing for the descriptor.
    guard current, result != -ECANCELED, result != -ENOBUFS, result != -EINTR, result != -EAGAIN else {
      return nil
    }
    // A receive that ended on end of stream or an error is not armed again.
    if !slots[descriptor].multishot { slots[descriptor].interest.remove(.receive) }
    return Readiness(
      token: slot.token, readable: false, writable: false, failed: false, received: .ended(errno: -result))
  }

  /// Gives back the buffer of a completion nobody will see, or closes the descriptor it accepted.
  private func discard(_ completion: eddy_completion) {
    guard !isAccept(completion) else { return closeAccepted(completion) }
    guard completion.flags & EDDY_COMPLETION_BUFFER != 0 else { return }
    used[usedCount] = UInt16(truncatingIfNeeded: completion.flags >> 16)
    usedCount += 1
  }

  /// True for the completion of an accept (not of the cancellation of one).
  private func isAccept(_ completion: eddy_completion) -> Bool {
    completion.user_data & Self.acceptBit != 0 && completion.user_data != Self.cancellationTag
  }

  /// Closes the descriptor an accept's completion brought, if it brought one.
  private func closeAccepted(_ completion: eddy_completion) {
    if completion.result >= 0 { _ = systemClose(completion.result) }
  }

  /// True when the slot's interest wants a poll or a receive it has not got.
  private func needsArming(_ slot: Slot) -> Bool {
    (slot.armed.isEmpty && !slot.interest.subtracting(Self.multishotInterest).isEmpty)
      || (!slot.multishot && !slot.interest.intersection(Self.multishotInterest).isEmpty)
  }

  private func queueIfNeeded(_ slot: inout Slot, _ descriptor: Int) {
    guard needsArming(slot) && !slot.queued else { return }
    slot.queued = true
    toArm.append(Int32(descriptor))
  }

  /// Queues a poll or a receive for every descriptor that wants one and has none in flight.
  /// When the kernel takes no more, the rest stay queued for the next wait.
  private func armQueued() throws(SystemError) {
    var done = 0
    defer { toArm.removeFirst(done) }
    for descriptor in toArm {
      let index = Int(descriptor)
      var slot = slots[index]
      let polled = slot.interest.subtracting(Self.multishotInterest)
      if slot.armed.isEmpty && !polled.isEmpty {
        let sequence = nextSequence &+ 1
        let mask =
          (polled.contains(.read) ? UInt32(POLLIN) : 0) | (polled.contains(.write) ? UInt32(POLLOUT) : 0)
        try check(
          eddy_ring_poll_add(ring, descriptor, mask, Self.tag(descriptor, sequence)), "io_uring poll add")
        nextSequence = sequence
        slot.sequence = sequence
        slot.armed = polled
      }
      if !slot.multishot && !slot.interest.intersection(Self.multishotInterest).isEmpty {
        let sequence = nextSequence &+ 1
        let accepts = slot.interest.contains(.accept)
        let tag = Self.tag(descriptor, sequence) | Self.multishotBit | (accepts ? Self.acceptBit : 0)
        try check(
          accepts ? eddy_ring_accept(ring, descriptor, tag) : eddy_ring_receive(ring, descriptor, tag),
          accepts ? "io_uring accept" : "io_uring receive")
        nextSequence = sequence
        slot.multishotTag = tag
        slot.multishot = true
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
