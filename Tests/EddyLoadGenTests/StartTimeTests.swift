import EddyLoadGen
import EddyTestSupport
import Foundation
import Testing

/// `--start-at TIME`: the two ways to write TIME, and a run that waits for it.
@Suite(.serialized) struct StartTimeTests {
  @Test(arguments: [
    ("1764652800", 1_764_652_800.0), ("1764652800.25", 1_764_652_800.25), ("1970-01-01T00:00:00Z", 0),
    ("2000-02-29T12:34:56.5Z", 951_827_696.5), ("2025-12-02T05:20:00+00:00", 1_764_652_800),
    ("2024-02-29t00:00:00z", 1_709_164_800), ("1969-12-31T23:59:59Z", -1),
    ("2100-03-01 00:00:00-00:00", 4_107_542_400),
  ])
  func timesParseToUnixSeconds(text: String, seconds: Double) throws {
    #expect(try StartTime.parse(text) == seconds)
  }

  @Test(arguments: [
    ("2025-12-02T05:20:00+01:00", "must be in UTC (ending in Z or +00:00), not '+01:00'"),
    ("2025-12-02T05:20:00", "must be in UTC"), ("2023-02-29T00:00:00Z", "no such date or time"),
    ("2025-12-02T24:00:00Z", "no such date or time"),
    ("2025-12-02T05:20:00.Z", "digits after the decimal point"),
    ("tomorrow", "expected UNIX seconds or an RFC 3339 time"), ("-5", "expected UNIX seconds"),
  ])
  func malformedTimesAreRefusedNamingTheOption(text: String, reason: String) {
    #expect {
      try StartTime.parse(text)
    } throws: { error in
      "\(error)".hasPrefix("--start-at '\(text)': ") && "\(error)".contains(reason)
    }
  }

  @Test func aRunConnectsThenStartsAtTheTimeGiven() async throws {
    try await withEchoServer { port in
      let start = (Date().timeIntervalSince1970 + 1.5).rounded(.down)
      let text = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: start))
      let began = ContinuousClock.now
      let (status, json, process) = try await runLoadgen([
        "\(port)", "--requests", "300", "--warmup", "0.2", "--start-at", text, "--json", "--quiet",
      ])
      #expect(status == 0, "\(process.standardError)")
      #expect(ContinuousClock.now - began > .milliseconds(300))
      let windowStart = try #require(json?["window_start"] as? Double)
      // The warmup begins at TIME, the window after it.
      #expect(windowStart >= start + 0.2 && windowStart < start + 0.5, "\(windowStart) for \(text)")
      #expect(json?["received"] as? Int == 300)
    }
  }

  @Test func aTimeThatHasPassedExitsTwo() async throws {
    let (status, _, process) = try await runLoadgen(["9", "--start-at", "2020-01-01T00:00:00Z"])
    #expect(status == 2)
    #expect(process.standardError.contains("--start-at 2020-01-01T00:00:00Z: that time has passed"))
    #expect(!process.standardError.contains("could not connect"))
  }
}
