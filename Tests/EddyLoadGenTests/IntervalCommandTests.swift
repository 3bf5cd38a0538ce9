import EddyTestSupport
import Foundation
import Testing

/// `loadgen --interval/--intervals`: one JSON record per interval, of that interval alone, and a
/// progress line that forgets a stall once it is over.
@Suite(.serialized) struct IntervalCommandTests {
  /// The records of a JSON Lines file.
  private func records(_ path: String) throws -> [[String: Any]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  @Test func aStallShowsInItsIntervalsAndNotAfterThem() async throws {
    let path = "/tmp/eddy-loadgen-intervals-\(getpid()).jsonl"
    defer { unlink(path) }
    let server = try ChildProcess(Built.echoServer, ["--port", "0"])
    let line = try #require(await server.line(startingWith: "listening on "))
    let port = try #require(listeningPort(in: line))
    let process = try ChildProcess(
      Built.loadgen,
      [
        "\(port)", "--rate", "2000", "--connections", "2", "--duration", "3", "--interval", "0.25",
        "--intervals", path, "--json",
      ])
    // The first progress line: the window has begun. The server then stops for 300 ms, and every
    // message scheduled meanwhile waits.
    #expect(await eventually(within: 20) { process.standardError.contains("msg/s") })
    server.signal(SIGSTOP)
    try await Task.sleep(for: .milliseconds(300))
    server.signal(SIGCONT)
    #expect(await process.wait(seconds: 30) == 0, "\(process.standardError)")
    server.signal(SIGTERM)
    #expect(await server.wait(seconds: 10) == 0)

    let last = process.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
    let json = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    let cumulative = try #require((json["latency_us"] as? [String: Double])?["p99"])
    let intervals = try records(path)
    #expect(intervals.count == 12)
    #expect(intervals.compactMap { $0["t_s"] as? Double } == (0..<12).map { Double($0) * 0.25 })
    #expect(intervals.reduce(0) { $0 + ($1["sent"] as? Int ?? 0) } == json["sent"] as? Int)
    #expect(intervals.reduce(0) { $0 + ($1["received"] as? Int ?? 0) } == json["received"] as? Int)
    let p99s = intervals.compactMap { ($0["latency_us"] as? [String: Double])?["p99"] }
    #expect(p99s.count == 12)
    // The stall dominates the whole run's p99 and one interval's, but not the last second's.
    #expect(cumulative > 150_000, "cumulative p99 \(cumulative) us")
    #expect(p99s.contains { $0 > 150_000 })
    #expect(p99s.suffix(4).allSatisfy { $0 < cumulative / 3 }, "\(p99s), cumulative \(cumulative)")
    let shown = process.standardError.split(separator: "\n").compactMap { line in
      line.split(separator: " ").firstIndex(of: "p99").map {
        Double(line.split(separator: " ")[$0 + 1]) ?? -1
      }
    }
    #expect(shown.count >= 8)
    #expect(shown.contains { $0 > 150_000 })
    #expect(shown.suffix(3).allSatisfy { $0 >= 0 && $0 < cumulative / 3 }, "\(process.standardError)")
  }

  @Test func anUnwritableIntervalsFileEndsTheCommandBeforeItConnects() async throws {
    let (status, _, process) = try await runLoadgen(["9", "--intervals", "/nonexistent/dir/i.jsonl"])
    #expect(status == 1)
    #expect(process.standardError.contains("--intervals: cannot write /nonexistent/dir/i.jsonl: errno"))
    #expect(!process.standardError.contains("could not connect"))
  }
}
