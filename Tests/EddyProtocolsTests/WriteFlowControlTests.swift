import EddyProtocols
import Testing

@Suite struct WriteFlowControlTests {
  @Test func defaultsAreAsyncio() {
    let limits = WriteBufferLimits()
    #expect(limits.high == 64 * 1024)
    #expect(limits.low == 16 * 1024)
    #expect(WriteBufferLimits(high: 100).low == 25)
    #expect(WriteBufferLimits(low: 10).high == 40)
    #expect(WriteBufferLimits(high: 0).low == 0)
  }

  @Test func equalToHighDoesNotPauseStrictlyOverDoes() {
    var flow = WriteFlowControl(limits: WriteBufferLimits(high: 100, low: 20))
    #expect(flow.update(bufferSize: 100) == nil)
    #expect(flow.update(bufferSize: 101) == .pause)
    #expect(flow.isPaused)
  }

  @Test func pauseIsReportedOnceWhateverFollows() {
    var flow = WriteFlowControl(limits: WriteBufferLimits(high: 100, low: 20))
    #expect(flow.update(bufferSize: 150) == .pause)
    #expect(flow.update(bufferSize: 500) == nil)
    #expect(flow.update(bufferSize: 101) == nil)
    #expect(flow.update(bufferSize: 50) == nil)
  }

  @Test func resumeAtOrBelowLowOnce() {
    var flow = WriteFlowControl(limits: WriteBufferLimits(high: 100, low: 20))
    _ = flow.update(bufferSize: 150)
    #expect(flow.update(bufferSize: 21) == nil)
    #expect(flow.update(bufferSize: 20) == .resume)
    #expect(flow.update(bufferSize: 0) == nil)
    #expect(!flow.isPaused)
  }

  @Test func zeroMarksPauseOnAnyByteAndResumeWhenEmpty() {
    var flow = WriteFlowControl(limits: WriteBufferLimits(high: 0, low: 0))
    #expect(flow.update(bufferSize: 0) == nil)
    #expect(flow.update(bufferSize: 1) == .pause)
    #expect(flow.update(bufferSize: 1) == nil)
    #expect(flow.update(bufferSize: 0) == .resume)
  }

  @Test func zeroLowWithNonZeroHigh() {
    var flow = WriteFlowControl(limits: WriteBufferLimits(high: 10, low: 0))
    #expect(flow.update(bufferSize: 11) == .pause)
    #expect(flow.update(bufferSize: 1) == nil)
    #expect(flow.update(bufferSize: 0) == .resume)
  }

  @Test func repeatedCrossingsAlternate() {
    var flow = WriteFlowControl(limits: WriteBufferLimits(high: 10, low: 5))
    var transitions: [WriteFlowTransition] = []
    for size in [0, 11, 20, 6, 5, 4, 10, 11, 3, 12, 0] {
      if let transition = flow.update(bufferSize: size) { transitions.append(transition) }
    }
    #expect(transitions == [.pause, .resume, .pause, .resume, .pause, .resume])
  }

  @Test func changingLimitsReevaluates() {
    var flow = WriteFlowControl(limits: WriteBufferLimits(high: 100, low: 20))
    #expect(flow.setLimits(WriteBufferLimits(high: 10, low: 2), bufferSize: 50) == .pause)
    #expect(flow.setLimits(WriteBufferLimits(high: 200, low: 60), bufferSize: 50) == .resume)
  }

  @Test func equalMarksPauseJustOverAndResumeAtTheMark() {
    var flow = WriteFlowControl(limits: WriteBufferLimits(high: 10, low: 10))
    #expect(flow.update(bufferSize: 10) == nil)
    #expect(flow.update(bufferSize: 11) == .pause)
    #expect(flow.update(bufferSize: 10) == .resume)
    #expect(flow.update(bufferSize: 11) == .pause)
  }

  @Test func noResumeWithoutAPause() {
    var flow = WriteFlowControl(limits: WriteBufferLimits(high: 100, low: 20))
    #expect(flow.update(bufferSize: 0) == nil)
    #expect(flow.update(bufferSize: 20) == nil)
    #expect(flow.update(bufferSize: 100) == nil)
    #expect(!flow.isPaused)
  }

  @Test func newLimitsWithTheBufferBetweenThemKeepAPause() {
    var flow = WriteFlowControl(limits: WriteBufferLimits(high: 100, low: 20))
    #expect(flow.update(bufferSize: 150) == .pause)
    #expect(flow.setLimits(WriteBufferLimits(high: 200, low: 50), bufferSize: 100) == nil)
    #expect(flow.isPaused)
    #expect(flow.limits == WriteBufferLimits(high: 200, low: 50))
    #expect(flow.update(bufferSize: 51) == nil)
    #expect(flow.update(bufferSize: 50) == .resume)
  }

  @Test func aHighMarkLoweredToTheBufferSizeDoesNotPause() {
    var flow = WriteFlowControl(limits: WriteBufferLimits(high: 100, low: 20))
    #expect(flow.setLimits(WriteBufferLimits(high: 50, low: 10), bufferSize: 50) == nil)
    #expect(!flow.isPaused)
    #expect(flow.update(bufferSize: 51) == .pause)
  }

  @Test func aQuarterOfASmallHighMarkRoundsDown() {
    #expect(WriteBufferLimits(high: 3).low == 0)
    #expect(WriteBufferLimits(high: 7).low == 1)
    #expect(WriteBufferLimits(high: 10, low: 10).high == 10)
    #expect(WriteBufferLimits(low: 0).high == 0)
  }
}
