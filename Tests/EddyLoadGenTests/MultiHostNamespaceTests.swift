import EddyTestSupport
import Foundation
import Testing

/// A local proof of the multi-host path (docs/distributed.md): one server host and three load
/// hosts, each a network namespace of its own joined to the server's by a veth pair, loadgen in
/// each load host started together by `--start-at`, and their results merged by `loadgen merge`.
///
/// Making namespaces needs root, which CI has; anywhere else the test is disabled, and says why.
@Suite(.serialized) struct MultiHostNamespaceTests {
  /// The project's virtual environment's Python (`make venv`), with HdrHistogram's package.
  private static var python: String {
    let testFile = #filePath
    return String(testFile[..<testFile.range(of: "/Tests/EddyLoadGenTests/")!.lowerBound])
      + "/.venv/bin/python"
  }

  /// Adds the interval histograms of every log given, with HdrHistogram's own Python reader and
  /// nothing of loadgen's, and prints the sum's count and percentiles as one JSON object.
  private static let reader = #"""
    import json, sys
    from hdrh.histogram import HdrHistogram
    from hdrh.log import HistogramLogReader

    total = HdrHistogram(1, 3600000000, 3)
    counts = []
    for path in sys.argv[1:]:
        reader = HistogramLogReader(path, HdrHistogram(1, 3600000000, 3))
        count = 0
        while True:
            interval = reader.get_next_interval_histogram()
            if interval is None:
                break
            total.add(interval)
            count += interval.get_total_count()
        counts.append(count)
    print(json.dumps({"counts": counts, "total": total.get_total_count(),
                      "p50": total.get_value_at_percentile(50), "p99": total.get_value_at_percentile(99),
                      "p999": total.get_value_at_percentile(99.9), "max": total.get_max_value()}))
    """#

  /// The processes and namespaces one test made, stopped and removed (in that order) by
  /// ``tearDown()`` however the test ends.
  final class Hosts {
    private(set) var namespaces: [String] = []
    private(set) var processes: [ChildProcess] = []

    /// Runs `ip` with `arguments`, at most 10 seconds, and requires it to succeed.
    func ip(_ arguments: [String]) async throws {
      let ip = try ChildProcess("ip", arguments)
      let status = await ip.wait(seconds: 10)
      try #require(status == 0, "ip \(arguments.joined(separator: " ")): \(ip.standardError)")
    }

    /// Makes the namespace `name` (then removed at the end) with its loopback up.
    func addNamespace(_ name: String) async throws {
      try await ip(["netns", "add", name])
      namespaces.append(name)
      try await ip(["-n", name, "link", "set", "lo", "up"])
    }

    /// Starts `executable` inside the namespace `name`. `ip netns exec` becomes the program
    /// (it execs it without forking), so the child's PID is the program's.
    func start(in name: String, _ executable: String, _ arguments: [String]) throws -> ChildProcess {
      let process = try ChildProcess("ip", ["netns", "exec", name, executable] + arguments)
      processes.append(process)
      return process
    }

    /// Kills, by PID, every process started here that is still running, then removes the
    /// namespaces.
    func tearDown() {
      for process in processes where process.exitStatus == nil {
        process.signal(SIGKILL)
        process.blockingWait(seconds: 5)
      }
      for name in namespaces.reversed() {
        (try? ChildProcess("ip", ["netns", "del", name]))?.blockingWait(seconds: 10)
      }
      namespaces = []
    }
  }

  /// The JSON object on the last line of `text`.
  private static func lastObject(_ text: String) throws -> [String: Any] {
    let last = text.split(separator: "\n").last.map(String.init) ?? ""
    return try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
  }

  /// The received and transmitted bytes of interface `device` in namespace `name`.
  private static func byteCounts(_ name: String, _ device: String) async throws -> (rx: Int, tx: Int) {
    let ip = try ChildProcess("ip", ["-n", name, "-s", "-j", "link", "show", "dev", device])
    #expect(await ip.wait(seconds: 10) == 0, "\(ip.standardError)")
    let links = try #require(
      try JSONSerialization.jsonObject(with: Data(ip.standardOutput.utf8)) as? [[String: Any]])
    let stats = try #require(links.first?["stats64"] as? [String: [String: Any]])
    return (
      try #require(stats["rx"]?["bytes"] as? Int), try #require(stats["tx"]?["bytes"] as? Int)
    )
  }

  @Test(
    .enabled(
      if: geteuid() == 0, "makes network namespaces and veth pairs, which needs root (CI runs as root)"),
    .timeLimit(.minutes(2)))
  func threeLoadHostsStartedTogetherMergeIntoTheirSumsAndThePercentilesOfAllTheirSamples() async throws {
    try #require(
      access(Self.python, X_OK) == 0,
      "\(Self.python) is missing: `make venv` installs HdrHistogram's Python package there")
    let pid = getpid()
    let hosts = Hosts()
    let tag = "/tmp/eddy-multihost-\(pid)"
    let loads = 0..<3
    let files = loads.flatMap { ["\(tag)-\($0).json", "\(tag)-\($0).hlog"] }
    defer {
      hosts.tearDown()
      for file in files { unlink(file) }
    }

    // The server host and three load hosts; load host i reaches the server on its own link,
    // 10.77.i.0/30 (the server .1, the load host .2). The veth ends are made inside the
    // namespaces, so nothing is added to this machine's own network.
    let server = "eddy-srv-\(pid)"
    let clients = loads.map { "eddy-load\($0)-\(pid)" }
    try await hosts.addNamespace(server)
    for i in loads {
      try await hosts.addNamespace(clients[i])
      try await hosts.ip([
        "-n", server, "link", "add", "s\(i)", "type", "veth", "peer", "name", "c\(i)", "netns", clients[i],
      ])
      try await hosts.ip(["-n", server, "addr", "add", "10.77.\(i).1/30", "dev", "s\(i)"])
      try await hosts.ip(["-n", server, "link", "set", "s\(i)", "up"])
      try await hosts.ip(["-n", clients[i], "addr", "add", "10.77.\(i).2/30", "dev", "c\(i)"])
      try await hosts.ip(["-n", clients[i], "link", "set", "c\(i)", "up"])
    }

    let echo = try hosts.start(in: server, Built.echoServer, ["--host", "0.0.0.0", "--port", "0"])
    let listening = try #require(await echo.line(startingWith: "listening on "), "\(echo.standardError)")
    let port = try #require(listeningPort(in: listening))
    let command = try String(contentsOfFile: "/proc/\(echo.pid)/comm", encoding: .utf8)
    #expect(command == "echo-server\n", "the PID to stop is echo-server's")

    // Every host starts at the same moment, three seconds from now, each at a rate of its own.
    let startText = String(format: "%.3f", Date().timeIntervalSince1970 + 3)
    let startAt = try #require(Double(startText))
    let rates = [1000, 2000, 3000]
    let runs = try loads.map { i in
      try hosts.start(
        in: clients[i], Built.loadgen,
        [
          "10.77.\(i).1:\(port)", "--start-at", startText, "--rate", "\(rates[i])",
          "--duration", "2", "--connections", "2", "--loops", "1", "--json", "--quiet",
          "--hlog", "\(tag)-\(i).hlog",
        ])
    }
    var results: [[String: Any]] = []
    for (i, run) in runs.enumerated() {
      let status = await run.wait(seconds: 30)
      #expect(status == 0, "load host \(i): \(run.standardError)")
      try run.standardOutput.write(toFile: "\(tag)-\(i).json", atomically: false, encoding: .utf8)
      results.append(try Self.lastObject(run.standardOutput))
    }
    // What crossed each link, as the server host's interfaces counted it.
    var links: [(rx: Int, tx: Int)] = []
    for i in loads { links.append(try await Self.byteCounts(server, "s\(i)")) }
    echo.signal(SIGTERM)
    #expect(await echo.wait(seconds: 10) == 0, "\(echo.standardError)")

    let merge = try ChildProcess(Built.loadgen, ["merge"] + loads.map { "\(tag)-\($0).json" } + ["--json"])
    #expect(await merge.wait(seconds: 30) == 0, "\(merge.standardError)")
    let merged = try Self.lastObject(merge.standardOutput)
    #expect(merge.standardOutput.contains("merged       3 --json results, 0 --hlog logs"))

    // Each host: every message answered, none lost, and a load near its rate.
    for (i, result) in results.enumerated() {
      let sent = try #require(result["sent"] as? Int)
      #expect(result["received"] as? Int == sent && result["errors"] as? Int == 0, "load host \(i)")
      #expect(result["in_flight"] as? Int == 0, "load host \(i)")
      #expect(abs(sent - 2 * rates[i]) <= rates[i] / 5, "load host \(i) sent \(sent)")
      // Started together: each window began at the start time, within a quarter of a second.
      let windowStart = try #require(result["window_start"] as? Double)
      #expect(windowStart >= startAt && windowStart < startAt + 0.25, "load host \(i)")
      // Its messages (64 bytes each way) crossed its own link: the server's end of it received
      // and sent at least that many bytes. echo-server keeps no count of its own.
      #expect(links[i].rx >= sent * 64 && links[i].tx >= sent * 64, "link \(i): \(links[i])")
    }
    for key in ["sent", "received", "errors", "in_flight", "connections"] {
      let sum = try results.reduce(0) { $0 + (try #require($1[key] as? Int, "\(key)")) }
      #expect(merged[key] as? Int == sum, "\(key)")
    }
    let starts = results.compactMap { $0["window_start"] as? Double }
    let ends = results.compactMap { $0["window_end"] as? Double }
    #expect(merged["window_start"] as? Double == starts.min())
    #expect(merged["window_end"] as? Double == ends.max())

    // The p99 of all the samples, from the three logs added by HdrHistogram's Python package.
    let python = try ChildProcess(Self.python, ["-c", Self.reader] + loads.map { "\(tag)-\($0).hlog" })
    #expect(await python.wait(seconds: 60) == 0, "\(python.standardError)")
    let read = try #require(
      try JSONSerialization.jsonObject(with: Data(python.standardOutput.utf8)) as? [String: Any])
    #expect(read["counts"] as? [Int] == results.map { $0["received"] as? Int ?? -1 })
    #expect(read["total"] as? Int == merged["received"] as? Int)
    let latency = try #require(merged["latency_us"] as? [String: NSNumber])
    for key in ["p50", "p99", "p999", "max"] {
      #expect((read[key] as? NSNumber)?.doubleValue == latency[key]?.doubleValue, "\(key)")
    }
    print(
      "multi-host: sent \(results.map { $0["sent"] as? Int ?? -1 }) merged \(merged["sent"] ?? "?"),"
        + " window starts \(starts.map { String(format: "%+.4f", $0 - startAt) }) s from --start-at,"
        + " merged p99 \(latency["p99"] ?? 0) us, Python p99 \(read["p99"] ?? "?") us,"
        + " per host p99 \(results.map { ($0["latency_us"] as? [String: Any])?["p99"] ?? "?" }),"
        + " server links rx/tx bytes \(links)")
  }
}
