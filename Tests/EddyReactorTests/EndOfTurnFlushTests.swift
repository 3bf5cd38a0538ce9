import EddyReactor
import EddyTestSupport
import Testing

/// Records its flushes, and asks for another from its flush when told to.
final class RecordingFlush: EndOfTurnFlushable {
  let loop: EventLoop
  let order: Recorder<String>
  var askAgain = false

  init(loop: EventLoop, order: Recorder<String>) {
    self.loop = loop
    self.order = order
  }

  func flushAtEndOfTurn() {
    order.append("flush")
    if askAgain {
      askAgain = false
      loop.callSoon { [order] in order.append("next turn") }
      loop.flushAtEndOfTurn(self)
    }
  }
}

/// Flushes run at the end of the turn they were asked in: after every callback and job of that
/// turn, before the callbacks those scheduled.
@Suite struct EndOfTurnFlushTests {
  @Test func aFlushRunsAfterTheTurnsCallbacksAndBeforeTheNextTurns() async throws {
    try await withLoop { loop in
      let order = Recorder<String>()
      try await loop.submit {
        let flush = RecordingFlush(loop: loop, order: order)
        loop.callSoon {
          order.append("first")
          loop.flushAtEndOfTurn(flush)
          loop.callSoon { order.append("later") }
        }
        loop.callSoon { order.append("second") }
      }
      #expect(await eventually { order.values.count == 4 })
      #expect(order.values == ["first", "second", "flush", "later"])
    }
  }

  /// A flush asked for during the flushes waits for the next turn, with that turn's callbacks.
  @Test func aFlushAskedForDuringTheFlushesRunsInTheNextTurn() async throws {
    try await withLoop { loop in
      let order = Recorder<String>()
      try await loop.submit {
        let flush = RecordingFlush(loop: loop, order: order)
        flush.askAgain = true
        loop.flushAtEndOfTurn(flush)
      }
      #expect(await eventually { order.values.count == 3 })
      #expect(order.values == ["flush", "next turn", "flush"])
    }
  }
}
