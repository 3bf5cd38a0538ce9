import EddyProtocols
import EddyReactor

/// The connections one server has open on one loop; touched only on that loop's thread. With an
/// idle timeout it sweeps them a few times per timeout and closes each one whose peer sent
/// nothing and that had nothing to write for that long; with a frame timeout it aborts each one
/// that has held unfinished input for that long. With a buffer budget it keeps the loop's
/// share of it.
final class ConnectionRegistry: @unchecked Sendable {
  let loop: EventLoop
  private let idleTimeout: Duration?
  private let frameTimeout: Duration?
  /// The loop's share of the server's buffer budget.
  private let budget: BufferBudget?
  private var entries: [Int: Entry] = [:]
  private var nextKey = 0
  private var sweep: CallbackHandle?

  private struct Entry {
    let transport: SocketStreamTransport
    /// The transport's read wakeups at the last sweep that saw it busy.
    var readWakeups: UInt
    /// When it was last seen busy (reading or with bytes to write).
    var quietSince: Deadline
  }

  init(loop: EventLoop, idleTimeout: Duration?, frameTimeout: Duration?, budget: Int?) {
    self.loop = loop
    self.idleTimeout = idleTimeout
    self.frameTimeout = frameTimeout
    self.budget = budget.map { BufferBudget(limit: $0) }
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
  /// a budget watches what it holds.
  func insert(_ transport: SocketStreamTransport) -> Int {
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
    for entry in Array(entries.values) { Self.outermostLayer(over: entry.transport).close() }
  }

  /// The highest layer stacked over `transport` (the transport itself when none is).
  private static func outermostLayer(over transport: any StreamTransport) -> any StreamTransport {
    var top = transport
    // A stack is a few layers deep; the bound only keeps a cycle from looping forever.
    for _ in 0..<64 {
      guard let layer = top.streamProtocol as? any StreamTransport & TransportLayer else { break }
      top = layer
    }
    return top
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
    for transport in late { transport.abort(reason: ServerLimitError.frameTimeout(frameTimeout)) }
  }
}
