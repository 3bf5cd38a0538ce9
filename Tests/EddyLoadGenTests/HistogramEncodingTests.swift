import EddyLoadGen
import Histogram
import Testing

/// The compressed V2 encoding, the interval log, and the percentiles, read back by loadgen itself.
@Suite struct HistogramEncodingTests {
  /// A histogram with single empty buckets, long empty runs, a count of 2^56 (a nine-byte
  /// varint) and values in the top bucket.
  private func sample() throws -> HistogramLog.Interval {
    let text = HistogramLog.header(startTime: 1_700_000_000.25)
    var histogram = Histogram<UInt64>(
      highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    for (value, count) in [(0, 3), (1, 1), (3, 7), (2047, 2), (2048, 5), (123_456, 1), (3_599_999_999, 4)] {
      histogram.record(UInt64(value), count: UInt64(count))
    }
    histogram.record(77, count: 1 << 56)
    let log = (text + [HistogramLog.line(start: 1.5, length: 0.5, histogram: histogram)]).joined(
      separator: "\n")
    return try #require(try HistogramLog.read(log).first)
  }

  @Test func anEncodedHistogramDecodesToTheSameCounts() throws {
    let interval = try sample()
    let decoded = try HistogramEncoding.decode(HistogramEncoding.encode(interval.histogram))
    #expect(decoded == interval.histogram)
    #expect(decoded.totalCount == 23 + (1 << 56))
    #expect(decoded.countForValue(2048) == 5 && decoded.countForValue(77) == 1 << 56)
    #expect(
      decoded.values(atPercentiles: [0.1, 50, 100])
        == interval.histogram.values(atPercentiles: [0.1, 50, 100]))
  }

  @Test func theLogReaderMakesStartsAbsoluteWithTheBaseTime() throws {
    let interval = try sample()
    #expect(interval.start == 1_700_000_001.75 && interval.length == 0.5 && interval.tag == nil)
    let line = "Tag=db,12.000,1.000,0.000," + HistogramEncoding.base64(interval.histogram)
    let tagged = try HistogramLog.read("#[StartTime: 1700000000.000 (seconds since epoch), x]\n" + line)
    // No base time, and timestamps more than a year before the start time: they are relative.
    #expect(tagged.first?.tag == "db" && tagged.first?.start == 1_700_000_012)
    #expect(HistogramLog.header(startTime: 1_700_000_000.25)[1].hasSuffix("2023-11-14T22:13:20.250Z]"))
  }

  @Test func malformedEncodingsAreRefused() throws {
    let good = HistogramEncoding.encode(try sample().histogram)
    let cases: [([UInt8], HistogramCodingError)] = [
      ([0, 0, 0, 0, 0, 0, 0, 0], .unknownCookie(0)),
      (Array(good.prefix(20)), .truncated),
      ([0x1c, 0x84, 0x93, 0x14, 0, 0, 0, 4, 1, 2, 3, 4], .corrupt("zlib status -3")),
    ]
    for (bytes, expected) in cases {
      #expect(throws: expected) { try HistogramEncoding.decode(bytes) }
    }
    #expect(throws: HistogramCodingError.notBase64) { try HistogramEncoding.decode(base64: "HISTFAAA=AAA") }
    #expect(throws: HistogramCodingError.notBase64) { try HistogramEncoding.decode(base64: "HISTFAA") }
  }

  @Test func percentilesRoundTheCountHalfUpAsTheCAndPythonReadersDo() throws {
    var histogram = Histogram<UInt64>(
      highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    // 1060 values 1...1060: the 99th percentile's count is 1049.4, which rounds to 1049 (Java's
    // rounding up would give 1050).
    for value in 1...1060 { histogram.record(UInt64(value)) }
    #expect(histogram.values(atPercentiles: [99, 50, 100]) == [1049, 530, 1060])
    let summary = LatencySummary(microseconds: histogram)
    #expect(summary.p99 == 1049 && summary.p50 == 530 && summary.max == 1060)
  }
}
