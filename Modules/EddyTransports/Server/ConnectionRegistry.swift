import EddyReactor

/// The connections one server has open on one loop; touched only on that loop's thread. With an
/// idle timeout it sweeps them a few times per timeout and closes each one whose peer sent
/// nothing and that had nothing to write for that long.
final class ConnectionRegistry: @unchecked Sendable {
  let loop: EventLoop
  private let idleTimeout: Duration?
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

  init(loop: EventLoop, idleTimeout: Duration?) {
    self.loop = loop
    self.idleTimeout = idleTimeout
  }

  func insert(_ transport: SocketStreamTransport) -> Int {
    nextKey += 1
    entries[nextKey] = Entry(transport: transport, readWakeups: transport.readWakeups, quietSince: .now())
    if sweep == nil, let idleTimeout { scheduleSweep(every: idleTimeout / 4) }
    return nextKey
  }

  func remove(_ key: Int) {
    entries[key] = nil
    if entries.isEmpty {
      sweep?.cancel()
      sweep = nil
    }
  }

  func closeAll() {
    for entry in Array(entries.values) { entry.transport.close() }
  }

  func abortAll() {
    for entry in Array(entries.values) { entry.transport.abort() }
  }

  private func scheduleSweep(every period: Duration) {
    sweep = loop.callLater(after: max(period, .milliseconds(1))) { [self] in
      sweep = nil
      closeIdle()
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
}
