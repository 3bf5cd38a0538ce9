import EddyReactor

/// The state a connection shares between its loop and the tasks using it: the inbound and
/// outbound queues, each behind a lock of its own so a reader and a writer never contend.
final class ConnectionBuffers<Received: InboundElement, Sent: QueueElement>: Sendable {
  let inbound: Locked<InboundQueue<Received>>
  let outbound: Locked<OutboundQueue<Sent>>

  /// Buffers bounded by `inboundLimits` and `stagingLimit`; received elements are dropped at
  /// the high mark when the transport cannot pause reading.
  init(inboundLimits: InboundBufferLimits, stagingLimit: Int, canPauseReading: Bool) {
    inbound = Locked(InboundQueue(limits: inboundLimits, canPauseReading: canPauseReading))
    outbound = Locked(OutboundQueue(stagingLimit: stagingLimit))
  }

  /// Both queues' counters.
  var statistics: ConnectionStatistics {
    let inboundStatistics = inbound.withLock { $0.statistics }
    var combined = outbound.withLock { $0.statistics }
    combined.peakInboundBytes = inboundStatistics.peakInboundBytes
    combined.peakInboundElements = inboundStatistics.peakInboundElements
    combined.readPauses = inboundStatistics.readPauses
    combined.readResumes = inboundStatistics.readResumes
    combined.droppedElements = inboundStatistics.droppedElements
    return combined
  }
}

/// How the tasks using a connection's buffers reach its loop.
protocol LoopRequests: Sendable {
  /// Asks the loop to hand queued writes to the transport.
  func requestDrain()
  /// Asks the loop to resume reading if the consumer has caught up.
  func requestResumeReading()
  /// Closes at once; waiting writers are refused.
  func abort()
}

extension ConnectionBuffers {
  /// The next received element, waiting for one if needed; nil once the connection has ended
  /// normally. A cancelled task aborts the connection through `owner` and gets
  /// `CancellationError`, even when elements are buffered. Runs on the caller's executor: it
  /// only takes a lock and waits, so hopping to another executor would be pure cost.
  nonisolated(nonsending) func receive(for owner: some LoopRequests) async throws -> Received? {
    if Task.isCancelled {
      owner.abort()
      throw CancellationError()
    }
    switch inbound.withLock({ $0.poll() }) {
    case .element(let element, let resumeReading):
      if resumeReading { owner.requestResumeReading() }
      return element
    case .finished:
      return nil
    case .failed(let error):
      throw error
    case .empty:
      break
    }
    return try await withTaskCancellationHandler {
      try await withUnsafeThrowingContinuation { (waiter: UnsafeContinuation<Received?, any Error>) in
        let poll = inbound.withLock { $0.poll(orWait: waiter, cancelled: Task.isCancelled) }
        switch poll {
        case .empty:
          return
        case .element(_, let resumeReading):
          if resumeReading { owner.requestResumeReading() }
        case .failed(let error):
          if error is CancellationError { owner.abort() }
        case .finished:
          break
        }
        InboundQueue.resume(waiter, with: poll)
      }
    } onCancel: {
      guard let waiter = inbound.withLock({ $0.takeWaiter() }) else { return }
      waiter.resume(throwing: CancellationError())
      owner.abort()
    }
  }

  /// Queues `element` after everything queued before it: returns at once while the transport
  /// keeps up, else once the loop has handed `element` to the transport. Cancelling a waiting
  /// task aborts the connection through `owner`. Runs on the caller's executor, as `receive`.
  nonisolated(nonsending) func send(_ element: Sent, for owner: some LoopRequests) async throws {
    let id: UInt64
    switch outbound.withLock({ $0.offer(element) }) {
    case .queued(let scheduleDrain):
      if scheduleDrain { owner.requestDrain() }
      return
    case .refused(let error):
      throw error
    case .mustWait(let waitID):
      id = waitID
    case .waiting:
      preconditionFailure("an offer without a waiter never waits")
    }
    try await withTaskCancellationHandler {
      try await withUnsafeThrowingContinuation { (waiter: UnsafeContinuation<Void, any Error>) in
        let offer = outbound.withLock {
          $0.offer(element, id: id, waiter: waiter, cancelled: Task.isCancelled)
        }
        switch offer {
        case .queued(let scheduleDrain):
          if scheduleDrain { owner.requestDrain() }
          waiter.resume()
        case .waiting(let scheduleDrain):
          if scheduleDrain { owner.requestDrain() }
        case .refused(let error):
          waiter.resume(throwing: error)
          if error is CancellationError { owner.abort() }
        case .mustWait:
          preconditionFailure("an offer with a waiter never asks to wait")
        }
      }
    } onCancel: {
      guard let waiter = outbound.withLock({ $0.takeWaiter(id: id) }) else { return }
      waiter.resume(throwing: CancellationError())
      owner.abort()
    }
  }

  /// Refuses every later write with `error` and resumes the waiting writers with it.
  func failWriters(_ error: any Error) {
    for waiter in outbound.withLock({ $0.fail(error) }) {
      waiter.resume(throwing: error)
    }
  }

  /// Ends the connection in both directions: later writes are refused with `writeError` (what
  /// waits to be sent is dropped), and the inbound sequence ends after its buffered elements,
  /// normally without `error`, else by throwing it. Both are recorded before any waiting task is
  /// resumed, so a task woken by the end and then writing is refused, never silently queued.
  func end(error: (any Error)?, writeError: any Error) {
    let writers = outbound.withLock { $0.fail(writeError) }
    let reader = inbound.withLock { $0.finish(error: error) }
    for waiter in writers { waiter.resume(throwing: writeError) }
    if let (waiter, poll) = reader { InboundQueue.resume(waiter, with: poll) }
  }

  /// Queues a command behind every write issued before it.
  func enqueue(_ command: OutboundQueue<Sent>.Command, for owner: some LoopRequests) {
    if outbound.withLock({ $0.enqueue(command) }) { owner.requestDrain() }
  }
}
