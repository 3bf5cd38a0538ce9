import EddyTestSupport
import Foundation
import Testing

/// `loadgen report`'s exit statuses: 2, naming the file or the option, when it cannot make a page.
@Suite(.serialized) struct ReportCommandTests {
  @Test(arguments: [
    (
      ["/nonexistent/run.json", "--html", "/tmp/x.html"],
      "loadgen report: /nonexistent/run.json: cannot read: errno 2"
    ),
    (["--html", "/tmp/x.html"], "loadgen report: give at least one FILE to report"),
  ])
  func anUnreadableOrMissingFileExitsTwo(arguments: [String], message: String) async throws {
    let (status, _, process) = try await runLoadgen(["report"] + arguments)
    #expect(status == 2)
    #expect(process.standardError.contains(message), "\(process.standardError)")
  }

  @Test func aMissingHtmlOptionExitsTwoAndAFileOfNoKnownKindToo() async throws {
    let path = "/tmp/eddy-loadgen-report-bad-\(getpid())"
    let out = path + ".html"
    defer { unlink(path) }
    try "hello, world\n".write(toFile: path, atomically: false, encoding: .utf8)
    let (missing, _, first) = try await runLoadgen(["report", path])
    #expect(missing == 2)
    #expect(first.standardError.contains("loadgen report: missing --html OUT"), "\(first.standardError)")
    let (unknown, _, second) = try await runLoadgen(["report", path, "--html", out])
    #expect(unknown == 2)
    #expect(
      second.standardError.contains("loadgen report: \(path): not an --hlog log: line 1:"),
      "\(second.standardError)")
    #expect(access(out, F_OK) != 0)
  }
}
