import DequeModule

/// Everything written to an ``AsyncConnection`` that the loop has not yet handed to the
/// transport, in one FIFO, with the writers waiting on it. A pure state machine: it lives in a
/// lock shared by the writing tasks (which feed it) and the loop (which drains it).
///
/// Writes, `writeEOF` and `close` enter one queue, so the loop performs them in the order they
/// were issued. A writer returns at once while the transport is not paused and the queue stays
/// within the staging limit; otherwise it waits, and is resumed when the loop hands its bytes to
/// the transport. The loop hands nothing over while the transport is paused (unless closing),
/// so a producer can never outrun the peer.
struct OutboundQueue<Element: QueueElement> {
  /// A waiting writer. Unchecked: the queue hands each waiter out exactly once (to resume or to
  /// cancel) under its lock, and a checked continuation costs an allocation per wait.
  typealias Waiter = UnsafeContinuation<Void, any Error>

  /// A request to perform after the bytes queued before it.
  enum Command: Equatable {
    /// Shut the write side.
    case writeEOF
    /// Close gracefully.
    case close
  }

  private struct Entry {
    var element: Element?
    var command: Command?
    var id: UInt64
    var waiter: Waiter?
  }

  /// The outcome of offering a write.
  enum Offer {
    /// Queued; the writer goes on. Schedule a drain when set.
    case queued(scheduleDrain: Bool)
    /// Not queued: the writer must wait, under `id`.
    case mustWait(id: UInt64)
    /// Queued; the writer's waiter is kept. Schedule a drain when set.
    case waiting(scheduleDrain: Bool)
    /// Refused with this error.
    case refused(any Error)
  }

  /// One batch for the loop: elements to write, writers to resume once written, and the command
  /// that ended the batch.
  struct Batch {
    var elements: [Element] = []
    var waiters: [Waiter] = []
    var command: Command?

    var isEmpty: Bool { elements.isEmpty && command == nil }

    /// Empties the batch, keeping its arrays' storage; cheap when it is empty already.
    mutating func removeAll() {
      if !elements.isEmpty { elements.removeAll(keepingCapacity: true) }
      if !waiters.isEmpty { waiters.removeAll(keepingCapacity: true) }
      command = nil
    }
  }

  let stagingLimit: Int
  private var entries = Deque<Entry>()
  private var stagedBytes = 0
  private var nextID: UInt64 = 0
  private var transportPaused = false
  private var drainScheduled = false
  private var outputShut = false
  private var closeQueued = false
  private var failure: (any Error)?
  private(set) var statistics = ConnectionStatistics()

  init(stagingLimit: Int) { self.stagingLimit = stagingLimit }

  /// Queues `element` if the writer may go on at once: the transport is not paused and the queue
  /// stays within the staging limit. Otherwise nothing is queued and the writer must wait.
  mutating func offer(_ element: Element) -> Offer {
    if let refusal { return .refused(refusal) }
    guard mayProceed(adding: element.byteCount) else {
      nextID &+= 1
      return .mustWait(id: nextID)
    }
    append(Entry(element: element, id: 0))
    return .queued(scheduleDrain: claimDrain())
  }

  /// Queues `element` for a writer that was told to wait: with `waiter` kept when it still must,
  /// without when it may now go on (`queued`: the caller resumes it). A cancelled task is refused.
  mutating func offer(_ element: Element, id: UInt64, waiter: Waiter, cancelled: Bool) -> Offer {
    if let refusal { return .refused(refusal) }
    if mayProceed(adding: element.byteCount) {
      append(Entry(element: element, id: 0))
      return .queued(scheduleDrain: claimDrain())
    }
    if cancelled { return .refused(CancellationError()) }
    append(Entry(element: element, id: id, waiter: waiter))
    statistics.writerSuspensions += 1
    return .waiting(scheduleDrain: claimDrain())
  }

  /// Why a write is refused now, if it is.
  private var refusal: (any Error)? {
    if let failure { return failure }
    if outputShut { return closeQueued ? AsyncConnectionError.closed : AsyncConnectionError.outputClosed }
    return nil
  }

  private func mayProceed(adding count: Int) -> Bool {
    !transportPaused && stagedBytes + count <= stagingLimit
  }

  /// Refuses every write from now on, as after `writeEOF`: for a connection that can only read.
  mutating func refuseWrites() {
    outputShut = true
  }

  /// Queues a command behind every write issued before it; true when a drain must be scheduled.
  mutating func enqueue(_ command: Command) -> Bool {
    guard failure == nil, !closeQueued else { return false }
    if command == .writeEOF && outputShut { return false }
    outputShut = true
    if command == .close { closeQueued = true }
    append(Entry(element: nil, command: command, id: 0))
    return claimDrain()
  }

  private mutating func append(_ entry: Entry) {
    entries.append(entry)
    stagedBytes += entry.element?.byteCount ?? 0
    statistics.peakStagedBytes = max(statistics.peakStagedBytes, stagedBytes)
  }

  /// Marks a drain as scheduled; true when none was.
  private mutating func claimDrain() -> Bool {
    guard !drainScheduled, !transportPaused || closeQueued else { return false }
    drainScheduled = true
    return true
  }

  /// Moves the next batch into `batch`, which must be empty: every queued write up to and
  /// including the first command. Nothing while the transport is paused, unless a close is
  /// queued (then everything goes to the transport, which flushes before closing). Returns true
  /// when more waits behind the batch's command; otherwise the drain is over, and the next
  /// offer schedules another. `transportBuffer` is the transport's write buffer size, recorded
  /// for diagnostics.
  mutating func takeBatch(into batch: inout Batch, transportBuffer: Int) -> Bool {
    precondition(batch.isEmpty, "a batch is handed over before the next one is taken")
    statistics.peakTransportBuffer = max(statistics.peakTransportBuffer, transportBuffer)
    guard failure == nil, !transportPaused || closeQueued else {
      drainScheduled = false
      return false
    }
    while let entry = entries.popFirst() {
      if let element = entry.element {
        stagedBytes -= element.byteCount
        batch.elements.append(element)
      }
      if let waiter = entry.waiter { batch.waiters.append(waiter) }
      if let command = entry.command {
        batch.command = command
        break
      }
    }
    if entries.isEmpty { drainScheduled = false }
    return !entries.isEmpty
  }

  /// The transport paused its writers.
  mutating func pause() {
    if !transportPaused { statistics.writePauses += 1 }
    transportPaused = true
  }

  /// The transport resumed its writers; true when the loop should drain now.
  mutating func resume() -> Bool {
    transportPaused = false
    return claimDrain()
  }

  /// Takes back a waiting writer so it can be resumed with `CancellationError`.
  mutating func takeWaiter(id: UInt64) -> Waiter? {
    guard let index = entries.firstIndex(where: { $0.id == id && $0.waiter != nil }) else { return nil }
    defer { entries[index].waiter = nil }
    return entries[index].waiter
  }

  /// Refuses every later write with `error`, drops what is queued and returns the waiting
  /// writers, to be resumed with `error`. The first failure wins.
  mutating func fail(_ error: any Error) -> [Waiter] {
    if failure == nil { failure = error }
    let waiters = entries.compactMap(\.waiter)
    entries.removeAll()
    stagedBytes = 0
    return waiters
  }
}
