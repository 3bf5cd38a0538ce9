import Testing

@testable import EddyTransports

@Suite struct DescriptorLifecycleTests {
  typealias Event = DescriptorLifecycle.Event
  typealias State = DescriptorLifecycle.State

  /// Applies `events` from a fresh lifecycle and returns which applied and the final state.
  func run(_ events: [Event]) -> ([Bool], State) {
    var lifecycle = DescriptorLifecycle(fd: -1)
    let applied = events.map { lifecycle.apply($0) }
    return (applied, lifecycle.state)
  }

  @Test func aGracefulCloseGoesThroughEveryState() {
    let (applied, state) = run([.started, .closeRequested, .finished, .lostReported])
    #expect(applied == [true, true, true, true])
    #expect(state == .ended)
  }

  @Test func anAbortSkipsClosing() {
    let (applied, state) = run([.started, .finished, .lostReported])
    #expect(applied == [true, true, true])
    #expect(state == .ended)
  }

  @Test func aFailedStartEndsWithoutAReport() {
    let (applied, state) = run([.startFailed, .lostReported, .closeRequested, .finished])
    #expect(applied == [true, false, false, false])
    #expect(state == .ended)
  }

  @Test func everyEventAfterItsTimeIsRefused() {
    // A second close, a close after the end, a second report, a report before the release.
    #expect(run([.started, .closeRequested, .closeRequested]).0 == [true, true, false])
    #expect(run([.started, .finished, .closeRequested, .finished]).0 == [true, true, false, false])
    #expect(run([.started, .finished, .lostReported, .lostReported]).0 == [true, true, true, false])
    #expect(run([.started, .lostReported]) == ([true, false], .open))
    #expect(run([.closeRequested, .finished, .started]) == ([false, false, true], .open))
  }

  @Test func onlyOpenAndClosingHoldTheDescriptor() {
    var lifecycle = DescriptorLifecycle(fd: -1)
    var held: [Bool] = [lifecycle.holdsDescriptor]
    for event in [Event.started, .closeRequested, .finished, .lostReported] {
      lifecycle.apply(event)
      held.append(lifecycle.holdsDescriptor)
    }
    #expect(held == [false, true, true, false, false])
  }
}
