import ArgumentParser
import EddyLoadGen

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `loadgen merge FILE…`: combines saved results of any number of runs or hosts exactly.
struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Combine saved --json results and --hlog logs, from any number of runs or hosts.",
    discussion: """
      Each FILE is a saved --json line (a whole saved standard output will do: its last line is \
      read) or an --hlog interval log. Counts are summed, latency percentiles come from the exact \
      merge of the histograms (never averaged), and the window runs from the earliest start to the \
      latest end. A log holds latencies only: it adds its replies to received and nothing to sent, \
      in_flight or errors, so give each run once. A file that cannot be read exits 2.
      """)

  @Argument(help: ArgumentHelp("Saved --json results and --hlog logs.", valueName: "file"))
  var files: [String] = []

  @Flag(help: "Print one JSON object as the last line of standard output.")
  var json = false

  @Flag(help: "With --json, no summary.")
  var quiet = false

  func run() throws {
    // Checked here, not in validate(), which also runs for --help.
    if files.isEmpty { throw refuse("give at least one FILE to merge") }
    var merged = MergedResults()
    for path in files {
      guard let text = WholeFile.read(path) else { throw refuse("\(path): cannot read: errno \(errno)") }
      do {
        try merged.add(contentsOf: text)
      } catch {
        throw refuse("\(path): \(error)")
      }
    }
    if !(json && quiet) { print(merged.summary) }
    if json { print(merged.json) }
  }

  /// Reports `message` on standard error; the returned exit code (2) ends the command.
  private func refuse(_ message: String) -> ExitCode {
    fflush(nil)
    ProgressLine.toStandardError("loadgen merge: \(message)\n")
    return ExitCode(2)
  }
}
