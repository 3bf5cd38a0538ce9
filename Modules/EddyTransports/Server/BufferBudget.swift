import EddyProtocols

/// A server's budget on the bytes its connections on one loop buffer (unfinished received frames
/// and writes the kernel has not taken), touched only on that loop's thread.
///
/// Past the budget, the connection holding the most has its reading held, so that it can grow no
/// further from its own input; when the budget is still passed and the one holding the most is
/// already held, that one is aborted with ``ServerLimitError/bufferBudgetExceeded(heldBytes:budget:)``.
/// Reading is given back to every held connection once the total falls to three quarters of the
/// budget. A connection holding little is therefore never held or closed while others hold more,
/// and memory stays within the budget and one read.
final class BufferBudget: ConnectionUsageObserver {
  /// The bytes this loop's connections may hold together.
  let limit: Int
  /// The bytes they hold now.
  private(set) var total = 0
  private var members: [ObjectIdentifier: Member] = [:]
  private var heldCount = 0
  private let log: ServerLog

  private struct Member {
    unowned let transport: SocketStreamTransport
    let usage: ConnectionUsage
    var isHeld = false
  }

  init(limit: Int, log: ServerLog) {
    self.limit = max(limit, 1)
    self.log = log
  }

  /// Starts watching a connection.
  func join(_ transport: SocketStreamTransport, usage: ConnectionUsage) {
    usage.observer = self
    members[ObjectIdentifier(usage)] = Member(transport: transport, usage: usage)
  }

  /// Stops watching a connection that ended (its bytes were given back as it closed).
  func leave(_ usage: ConnectionUsage) {
    usage.observer = nil
    if let member = members.removeValue(forKey: ObjectIdentifier(usage)) {
      total &-= member.usage.bufferedBytes
      if member.isHeld { heldCount -= 1 }
    }
  }

  func usageChanged(_ usage: ConnectionUsage, by delta: Int) {
    total &+= delta
    if delta > 0 {
      if total > limit { enforce() }
    } else if heldCount > 0 && total <= limit - limit / 4 {
      releaseHolds()
    }
  }

  /// Holds the reading of the connection holding the most, or aborts it when it is held already.
  private func enforce() {
    guard
      let (key, heaviest) = members.max(by: { $0.value.usage.bufferedBytes < $1.value.usage.bufferedBytes })
    else { return }
    if heaviest.isHeld {
      let reason = ServerLimitError.bufferBudgetExceeded(
        heldBytes: heaviest.usage.bufferedBytes, budget: limit)
      log.aborting(heaviest.transport, reason: reason)
      heaviest.transport.abort(reason: reason)
    } else {
      members[key]?.isHeld = true
      heldCount += 1
      heaviest.transport.holdReading(true)
    }
  }

  private func releaseHolds() {
    for (key, member) in members where member.isHeld {
      members[key]?.isHeld = false
      member.transport.holdReading(false)
    }
    heldCount = 0
  }
}
