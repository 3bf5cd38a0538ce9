import EddyLoadGen
import EddyTestSupport
import Foundation
import Testing

/// `loadgen merge`: the results of two real runs, as JSON lines and as interval logs, combined
/// exactly.
@Suite(.serialized) struct MergeCommandTests {
  /// The JSON object on the last line of `text`.
  private func lastObject(_ text: String) throws -> [String: Any] {
    let last = text.split(separator: "\n").last.map(String.init) ?? ""
    return try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
  }

  /// Every sample of an encoded histogram, in order, as the value its bucket reports.
  private func samples(_ base64: String) throws -> [UInt64] {
    var values: [UInt64] = []
    for bucket in try HistogramEncoding.decode(base64: base64).recordedValues() {
      values.append(contentsOf: repeatElement(bucket.value, count: Int(bucket.count)))
    }
    return values
  }

  @Test func twoRunsMergeIntoTheirSumsAndThePercentilesOfAllTheirSamples() async throws {
    let tag = "/tmp/eddy-loadgen-merge-\(getpid())"
    let files = ["a.json", "a.hlog", "b.json", "b.hlog"].map { tag + "-" + $0 }
    defer { for file in files { unlink(file) } }
    var runs: [[String: Any]] = []
    try await withEchoServer { port in
      for (index, arguments) in [
        ["--requests", "4000", "--connections", "2", "--pipeline", "4"],
        ["--rate", "4000", "--duration", "1", "--connections", "3"],
      ].enumerated() {
        let process = try ChildProcess(
          Built.loadgen, ["\(port)"] + arguments + ["--json", "--hlog", files[2 * index + 1]])
        #expect(await process.wait(seconds: 60) == 0, "\(process.standardError)")
        // The whole standard output, summary and all, is what a user saves.
        try process.standardOutput.write(toFile: files[2 * index], atomically: false, encoding: .utf8)
        runs.append(try lastObject(process.standardOutput))
      }
    }
    let merge = try ChildProcess(Built.loadgen, ["merge", files[0], files[2], "--json"])
    #expect(await merge.wait(seconds: 30) == 0, "\(merge.standardError)")
    let merged = try lastObject(merge.standardOutput)
    #expect(merge.standardOutput.contains("merged       2 --json results, 0 --hlog logs"))
    for key in ["sent", "received", "in_flight", "errors", "connections"] {
      #expect(merged[key] as? Int == runs.reduce(0) { $0 + ($1[key] as? Int ?? -1) }, "\(key)")
    }
    #expect(merged["sent"] as? Int ?? 0 > 4000)
    let starts = runs.compactMap { $0["window_start"] as? Double }
    let ends = runs.compactMap { $0["window_end"] as? Double }
    #expect(
      merged["window_start"] as? Double == starts.min() && merged["window_end"] as? Double == ends.max())

    // The p99 of the union of both runs' samples, found here by sorting them.
    let union = try
      (samples(runs[0]["histogram"] as? String ?? "") + samples(runs[1]["histogram"] as? String ?? ""))
      .sorted()
    #expect(union.count == merged["received"] as? Int)
    let rank = max(1, Int(0.99 * Double(union.count) + 0.5))
    let latency = try #require(merged["latency_us"] as? [String: NSNumber])
    #expect(latency["p99"]?.doubleValue == Double(union[rank - 1]))
    #expect(latency["max"]?.doubleValue == Double(union.last ?? 0))

    // The same runs' interval logs give the same latencies and replies.
    let logs = try ChildProcess(Built.loadgen, ["merge", files[1], files[3], "--json", "--quiet"])
    #expect(await logs.wait(seconds: 30) == 0, "\(logs.standardError)")
    let fromLogs = try lastObject(logs.standardOutput)
    #expect(logs.standardOutput.split(separator: "\n").count == 1)
    #expect(fromLogs["received"] as? Int == merged["received"] as? Int)
    #expect(fromLogs["histogram"] as? String == merged["histogram"] as? String)
    #expect((fromLogs["latency_us"] as? [String: NSNumber])?["p99"] == latency["p99"])
  }

  @Test(arguments: [
    (["/nonexistent/run.json"], "loadgen merge: /nonexistent/run.json: cannot read: errno 2"),
    ([], "loadgen merge: give at least one FILE to merge"),
  ])
  func anUnreadableFileExitsTwo(files: [String], message: String) async throws {
    let (status, _, process) = try await runLoadgen(["merge"] + files)
    #expect(status == 2)
    #expect(process.standardError.contains(message), "\(process.standardError)")
  }

  @Test(arguments: [
    (#"{"sent":1,"received":1}"#, "not a loadgen --json line: no 'histogram'"),
    ("hello, world\n", "not an --hlog log: line 1: expected [Tag=NAME,]START,LENGTH,MAX,HISTOGRAM"),
    ("0.000,1.000,5.000,HISTFAAA\n", "not an --hlog log: line 1: truncated histogram"),
    (#"{"sent":1,"#, "not a loadgen --json line: not JSON at byte 10"),
  ])
  func aFileThatIsNeitherResultNorLogExitsTwo(contents: String, message: String) async throws {
    let path = "/tmp/eddy-loadgen-merge-bad-\(getpid())"
    defer { unlink(path) }
    try contents.write(toFile: path, atomically: false, encoding: .utf8)
    let (status, _, process) = try await runLoadgen(["merge", path])
    #expect(status == 2)
    #expect(process.standardError.contains("loadgen merge: \(path): \(message)"), "\(process.standardError)")
  }
}
