import EddyProtocols
import EddyReactor

/// The connections one server has open on one loop; touched only on that loop's thread. With an
/// idle timeout it sweeps them a few times per timeout and closes each one whose peer sent
/// nothing and that had nothing to write for that long; with a frame timeout it aborts each one
/// that has held unfinished input for that long. With a buffer budget it keeps the loop's
/// share of it. With an observer it hands every connection the loop's traffic counts.
final class ConnectionRegistry: @unchecked Sendable {
  let loop: EventLoop
  private let idleTimeout: Duration?
  private let frameTimeout: Duration?
  /// The loop's share of the server's buffer budget.
  private let budget: BufferBudget?
  private var entries: [Int: Entry] = [:]
  private var nextKey = 0
  private var sweep: CallbackHandle?
  private let observer: (any ConnectionObserver)?
  private let log: ServerLog
  /// The observer's counts for this loop, asked for when the first connection comes.
  private var traffic: ConnectionTraffic?

  private struct Entry {
    let transport: SocketStreamTransport
    /// The transport's read wakeups at the last sweep that saw it busy.
    var readWakeups: UInt
    /// When it was last seen busy (reading or with bytes to write).
    var quietSince: Deadline
  }

  init(
    loop: EventLoop, idleTimeout: Duration?, frameTimeout: Duration?, budget: Int?,
    observer: (any ConnectionObserver)?, log: ServerLog
  ) {
    self.loop = loop
    self.idleTimeout = idleTimeout
    self.frameTimeout = frameTimeout
    self.budget = budget.map { BufferBudget(limit: $0, log: log) }
    self.observer = observer
    self.log = log
  }

  /// The sweep's period: a quarter of the shorter timeout.
  private var sweepPeriod: Duration? {
    switch (idleTimeout, frameTimeout) {
    case (let idle?, let frame?): min(idle, frame) / 4
    case (let idle?, nil): idle / 4
    case (nil, let frame?): frame / 4
    case (nil, nil): nil
    }
  }

  /// Starts tracking a connection before it starts; gives it a usage when a frame timeout or
  /// a budget watches what it holds, and the loop's traffic counts when it is observed.
  func insert(_ transport: SocketStreamTransport) -> Int {
    if let observer {
      if traffic == nil { traffic = observer.traffic(on: loop) }
      transport.traffic = traffic
    }
    nextKey += 1
    entries[nextKey] = Entry(transport: transport, readWakeups: transport.readWakeups, quietSince: .now())
    if frameTimeout != nil || budget != nil {
      let usage = ConnectionUsage(tracksUnfinishedInput: frameTimeout != nil)
      transport.usageStorage = usage
      budget?.join(transport, usage: usage)
    }
    if sweep == nil, let sweepPeriod { scheduleSweep(every: sweepPeriod) }
    return nextKey
  }

  func remove(_ key: Int) {
    if let usage = entries[key]?.transport.usage { budget?.leave(usage) }
    entries[key] = nil
    if entries.isEmpty {
      sweep?.cancel()
      sweep = nil
    }
  }

  /// Closes every connection gracefully at its outermost layer, so that each layer ends its
  /// stream (TLS sends close_notify, a codec its trailer) before the socket closes.
  func closeAll() {
    for entry in Array(entries.values) { LayerStack.outermost(over: entry.transport).close() }
  }

  func abortAll() {
    for entry in Array(entries.values) { entry.transport.abort() }
  }

  private func scheduleSweep(every period: Duration) {
    sweep = loop.callLater(after: max(period, .milliseconds(1))) { [self] in
      sweep = nil
      closeIdle()
      abortUnfinished()
      if !entries.isEmpty { scheduleSweep(every: period) }
    }
  }

  /// Closes every connection quiet for the idle timeout; notes the others' activity.
  private func closeIdle() {
    guard let idleTimeout else { return }
    let now = Deadline.now()
    var idle: [SocketStreamTransport] = []
    for (key, entry) in entries {
      let wakeups = entry.transport.readWakeups
      if wakeups != entry.readWakeups || entry.transport.writeBufferSize > 0 {
        entries[key]?.readWakeups = wakeups
        entries[key]?.quietSince = now
      } else if entry.quietSince.duration(to: now) >= idleTimeout {
        idle.append(entry.transport)
      }
    }
    for transport in idle { transport.close() }
  }

  /// Aborts every connection that has held unfinished input for the frame timeout.
  private func abortUnfinished() {
    guard let frameTimeout else { return }
    let now = ContinuousClock.now
    let late = entries.values.compactMap { entry -> SocketStreamTransport? in
      guard let since = entry.transport.usage?.unfinishedInputSince, now - since >= frameTimeout else {
        return nil
      }
      return entry.transport
    }
    for transport in late {
      let reason = ServerLimitError.frameTimeout(frameTimeout)
      log.aborting(transport, reason: reason)
      transport.abort(reason: reason)
    }
  }
}
