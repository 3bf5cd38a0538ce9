import EddyLoadGen
import Testing

@Suite struct ReportFormattingTests {
  @Test(arguments: [
    (3.14159, 2, "3.14"), (0.0, 3, "0.000"), (2.5, 0, "3"), (-1.05, 1, "-1.1"), (1234567.891, 1, "1234567.9"),
    (0.001, 3, "0.001"),
  ])
  func fixedPointRoundsToTheDigitsAsked(value: Double, digits: Int, expected: String) {
    #expect(FixedPoint.format(value, digits) == expected)
  }

  @Test func jsonStringsAreEscaped() {
    #expect(JSONText.string("a\"b\\c\n\u{01}") == #""a\"b\\c\n\u0001""#)
    #expect(JSONText.object([("k", "1"), ("s", JSONText.string("v"))]) == #"{"k":1,"s":"v"}"#)
    #expect(JSONText.number(.infinity) == "null")
  }

  @Test func errorCountsMergeAndKeepTheFirstMessage() {
    var first = ErrorCounts()
    first.add(.connectRefused, message: "refused once")
    var second = ErrorCounts()
    second.add(.connectRefused, count: 2, message: "refused again")
    second.add(.lostMessage, count: 0, message: "not counted")
    first.merge(second)
    #expect(first[.connectRefused] == 3)
    #expect(first.firstMessage(.connectRefused) == "refused once")
    #expect(first.firstMessage(.lostMessage) == nil)
    #expect(first.total == 3)
  }
}
