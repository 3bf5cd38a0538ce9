import EddyTestSupport
import Foundation
import Testing

/// `loadgen report`'s page of a real run, opened in headless Chromium: the page's own check of
/// its drawing passes, each plot has a size and its points, and the screenshot is an image.
/// Chromium is slow to start, so this runs under `make browser-test` (which installs Debian's
/// `chromium` and sets EDDY_BROWSER_TESTS=1), part of `make check`; the last page and screenshot
/// stay in the build's `report-browser-test` folder to be looked at.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["EDDY_BROWSER_TESTS"] == "1"))
struct ReportBrowserTests {
  private let folder = productsDirectory + "/report-browser-test"

  /// Runs Chromium headless on `page` with `arguments`, at most 120 s.
  private func chromium(_ arguments: [String], page: String) async throws -> ChildProcess {
    let found = try ChildProcess(script: "command -v chromium")
    #expect(await found.wait(seconds: 10) == 0, "chromium is not installed: `make browser-test` installs it")
    let process = try ChildProcess(
      "chromium",
      ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,1600"] + arguments + [
        "file://" + page
      ])
    #expect(await process.wait(seconds: 120) == 0, "\(process.standardError)")
    return process
  }

  /// The value of `name` on the element that opens with `opening`, in `dom`.
  private func attribute(_ name: String, of opening: String, in dom: String) throws -> String {
    let element = try #require(dom.components(separatedBy: opening).dropFirst().first, "\(opening)")
    let tag = element.prefix { $0 != ">" }
    let value = try #require(
      tag.components(separatedBy: " \(name)=\"").dropFirst().first, "\(name) of \(opening)")
    return String(value.prefix { $0 != "\"" })
  }

  @Test func aRealRunsPageDrawsEveryChartInABrowser() async throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let (json, intervals, log) = (folder + "/run.json", folder + "/run.jsonl", folder + "/run.hlog")
    let (page, screenshot) = (folder + "/report.html", folder + "/report.png")
    for file in [json, intervals, log, page, screenshot] { unlink(file) }
    var received = 0
    try await withEchoServer { port in
      let run = try ChildProcess(
        Built.loadgen,
        [
          "\(port)", "--rate", "2000", "--duration", "2", "--connections", "2", "--interval", "0.25",
          "--json", "--intervals", intervals, "--hlog", log, "--fail-if", "p99 < 10s",
        ])
      #expect(await run.wait(seconds: 60) == 0, "\(run.standardError)")
      try run.standardOutput.write(toFile: json, atomically: false, encoding: .utf8)
      let last = run.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
      let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
      received = object?["received"] as? Int ?? 0
    }
    let report = try ChildProcess(Built.loadgen, ["report", json, intervals, log, "--html", page])
    #expect(await report.wait(seconds: 30) == 0, "\(report.standardError)")
    let html = try String(contentsOfFile: page, encoding: .utf8)
    // The run's own log is counted once: the page's total is the run's.
    #expect(received > 3000 && html.contains("<tr><th>received</th><td>\(received)</td></tr>"))

    let dom = try await chromium(["--virtual-time-budget=5000", "--dump-dom"], page: page).standardOutput
    #expect(try attribute("data-rendered", of: "<body", in: dom) == "ok")
    #expect(dom.contains(#"<pre id="report-errors"></pre>"#), "\(dom.prefix(3000))")
    // Eight intervals of 0.25 s; more than a thousand latencies, so three decades to 99.9%.
    let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter {
      $0.first?.isNumber == true
    }
    #expect(lines.count == 8)
    for (id, points) in [("plot-throughput", "8"), ("plot-latency", "8,8"), ("plot-percentiles", "31")] {
      let opening = "<svg id=\"\(id)\""
      let width = Double(try attribute("data-width", of: opening, in: dom)) ?? 0
      let height = Double(try attribute("data-height", of: opening, in: dom)) ?? 0
      #expect(width > 300 && height > 100, "\(id): \(width) x \(height)")
      // The view box's shape, 1000 × 340, as laid out.
      #expect(abs(height / max(width, 1) - 0.34) < 0.01, "\(id): \(width) x \(height)")
      #expect(try attribute("data-points", of: opening, in: dom) == points, "\(id)")
    }

    _ = try await chromium(["--screenshot=" + screenshot], page: page)
    let png = try #require(FileManager.default.contents(atPath: screenshot))
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    // The header's size (IHDR, big-endian), then enough bytes to hold charts, not a blank page.
    let size = png.dropFirst(16).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    #expect(size == 1200 << 32 | 1600, "\(size >> 32) x \(size & 0xFFFF_FFFF)")
    #expect(png.count > 40_000, "\(png.count) bytes")
  }
}
