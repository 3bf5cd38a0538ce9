/// An object with output to hand over once the loop has run the current turn's callbacks and
/// jobs: writes made one by one from code on the loop (an async task's writes, say) then leave
/// as one batch, as a read's echoes do in a protocol's callbacks.
package protocol EndOfTurnFlushable: AnyObject {
  /// Hands the output over; called on the loop's thread at the end of the turn it was asked in.
  func flushAtEndOfTurn()
}

extension EventLoop {
  /// Calls `target.flushAtEndOfTurn()` at the end of this turn, after the ready callbacks and
  /// jobs (in the next turn when asked during the flushes themselves). Call from the loop's
  /// thread; asking twice in one turn calls twice, so callers ask once per batch.
  package func flushAtEndOfTurn(_ target: any EndOfTurnFlushable) {
    assertInLoopThread()
    flushes.append(target)
  }

  /// Runs the flushes asked for so far; those asked for meanwhile wait for the next turn.
  /// Returns how many ran.
  func runFlushes() -> Int {
    swap(&flushes, &flushing)
    defer { flushing.removeAll(keepingCapacity: true) }
    for target in flushing { target.flushAtEndOfTurn() }
    return flushing.count
  }
}
