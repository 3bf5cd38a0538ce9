import ArgumentParser
import EddyLoadGen

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `loadgen report FILE… --html OUT`: one self-contained HTML page of saved results.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract:
      "Write one self-contained HTML page of saved --json results, --intervals files and --hlog logs.",
    discussion: """
      The page shows throughput and p50/p99 latency over time, the latency distribution on \
      HdrHistogram's percentile scale, the summary, and each run's settings and thresholds; it \
      fetches nothing. Results and logs are merged exactly as loadgen merge merges them (a log that \
      is a given result's own is counted once); over time, the logs' intervals are drawn, or \
      without a log one --intervals file's. A file that cannot be read, or a missing --html, \
      exits 2; a page that cannot be written exits 1.
      """)

  @Argument(help: ArgumentHelp("Saved --json results, --intervals files and --hlog logs.", valueName: "file"))
  var files: [String] = []

  @Option(help: ArgumentHelp("Write the page to this file.", valueName: "out"))
  var html: String?

  func run() throws {
    // Checked here, not in validate(), which also runs for --help.
    if files.isEmpty { throw refuse("give at least one FILE to report") }
    if html == nil { throw refuse("missing --html OUT: where to write the page") }
    var inputs: [ReportInput] = []
    for path in files {
      guard let text = WholeFile.read(path) else { throw refuse("\(path): cannot read: errno \(errno)") }
      do {
        inputs.append(try ReportInput(name: path, text: text))
      } catch {
        throw refuse("\(path): \(error)")
      }
    }
    let report: HTMLReport
    do {
      report = try HTMLReport(inputs)
    } catch {
      throw refuse("\(error)")
    }
    let out = html ?? ""
    if let failure = WholeFile.write(report.html, to: out) {
      ProgressLine.toStandardError("loadgen report: --html \(out): cannot write: errno \(failure)\n")
      throw ExitCode(1)
    }
  }

  /// Reports `message` on standard error; the returned exit code (2) ends the command.
  private func refuse(_ message: String) -> ExitCode {
    fflush(nil)
    ProgressLine.toStandardError("loadgen report: \(message)\n")
    return ExitCode(2)
  }
}
