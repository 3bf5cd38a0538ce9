import DequeModule

/// The received elements waiting for the consumer, the consumer waiting for them, and the
/// decision when to pause and resume reading. A pure state machine: it lives in a lock shared
/// by the loop (which feeds it) and the consuming task (which drains it).
///
/// A transport that can pause reading is paused at the high mark. One that cannot (a datagram
/// socket) has its elements dropped, and counted, while the buffer is at the high mark.
struct InboundQueue<Element: InboundElement> {
  /// The waiting consumer. Unchecked: the queue hands each waiter out exactly once (to resume
  /// or to cancel) under its lock, and a checked continuation costs an allocation per wait.
  typealias Waiter = UnsafeContinuation<Element?, any Error>

  /// What the consumer gets when it asks for the next element.
  enum Poll {
    /// An element; when `resumeReading` is set the caller must ask the loop to resume reading.
    case element(Element, resumeReading: Bool)
    /// The sequence ended normally.
    case finished
    /// The sequence ends with this error.
    case failed(any Error)
    /// Nothing yet.
    case empty
  }

  /// What the loop must do with a received element.
  enum Arrival {
    /// Hand this element (the received one, compacted) to this waiting consumer.
    case deliver(Waiter, Element)
    /// The element is buffered; pause reading when set.
    case buffered(pauseReading: Bool)
    /// The buffer is full and reading cannot pause: the element is dropped.
    case dropped
  }

  private enum End {
    case finished
    case failed(any Error)
  }

  let limits: InboundBufferLimits
  private let canPauseReading: Bool
  private var elements = Deque<Element>()
  private var bytes = 0
  private var end: End?
  private var waiter: Waiter?
  private var readingPaused = false
  private var resumeRequested = false
  private(set) var statistics = ConnectionStatistics()

  init(limits: InboundBufferLimits, canPauseReading: Bool = true) {
    self.limits = limits
    self.canPauseReading = canPauseReading
  }

  /// The largest element copied out of its storage on its way straight to the consumer.
  static var directCopyLimit: Int { 16 * 1024 }

  private var amount: Int { limits.unit == .bytes ? bytes : elements.count }

  /// Records an element received by the loop. An element that waits is compacted; one that
  /// goes straight to the consumer is compacted when it is small (up to
  /// ``directCopyLimit`` bytes), so that it does not keep the loop's receive buffer, which the
  /// next read would otherwise have to replace. A larger one is handed over as it is: copying
  /// it would cost more than the fresh buffer.
  mutating func receive(_ received: Element) -> Arrival {
    if let waiter {
      self.waiter = nil
      return .deliver(waiter, received.byteCount <= Self.directCopyLimit ? received.compacted() : received)
    }
    if !canPauseReading && amount >= limits.high {
      statistics.droppedElements += 1
      return .dropped
    }
    let element = received.compacted()
    elements.append(element)
    // An empty frame weighs one byte, so that a flood of them pauses reading too.
    bytes += max(element.byteCount, 1)
    statistics.peakInboundBytes = max(statistics.peakInboundBytes, bytes)
    statistics.peakInboundElements = max(statistics.peakInboundElements, elements.count)
    guard canPauseReading, !readingPaused, amount >= limits.high else {
      return .buffered(pauseReading: false)
    }
    readingPaused = true
    statistics.readPauses += 1
    return .buffered(pauseReading: true)
  }

  /// Takes the next element or the end, if there is one.
  mutating func poll() -> Poll {
    if let first = elements.popFirst() {
      bytes -= max(first.byteCount, 1)
      let resume = readingPaused && !resumeRequested && amount <= limits.low
      if resume { resumeRequested = true }
      return .element(first, resumeReading: resume)
    }
    switch end {
    case nil:
      return .empty
    case .finished:
      return .finished
    case .failed(let error):
      end = .finished
      return .failed(error)
    }
  }

  /// Takes the next element or the end, or keeps `waiter` to be resumed with it later.
  /// A task already cancelled is not kept: it gets `CancellationError`.
  mutating func poll(orWait waiter: Waiter, cancelled: Bool) -> Poll {
    let result = poll()
    guard case .empty = result else { return result }
    if cancelled { return .failed(CancellationError()) }
    precondition(self.waiter == nil, "an AsyncConnection's inbound sequence has one consumer at a time")
    self.waiter = waiter
    return .empty
  }

  /// Takes back the waiting consumer, if any, so it can be resumed with `CancellationError`.
  mutating func takeWaiter() -> Waiter? {
    defer { waiter = nil }
    return waiter
  }

  /// Called on the loop when the consumer asked it to resume: true when reading should resume.
  mutating func shouldResumeReading() -> Bool {
    resumeRequested = false
    guard readingPaused, amount <= limits.low else { return false }
    readingPaused = false
    statistics.readResumes += 1
    return true
  }

  /// Ends the sequence after the buffered elements: normally without `error`, else by throwing
  /// it. The first end wins. Returns the waiting consumer to resume, with its poll result.
  mutating func finish(error: (any Error)?) -> (Waiter, Poll)? {
    if end == nil { end = error.map { .failed($0) } ?? .finished }
    guard let waiter else { return nil }
    self.waiter = nil
    return (waiter, poll())
  }
}

extension InboundQueue {
  /// Resumes a waiting consumer with what a poll found.
  static func resume(_ waiter: Waiter, with poll: Poll) {
    switch poll {
    case .element(let element, _): waiter.resume(returning: element)
    case .finished, .empty: waiter.resume(returning: nil)
    case .failed(let error): waiter.resume(throwing: error)
    }
  }
}
