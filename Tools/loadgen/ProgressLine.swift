import EddyLoadGen

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The progress line on standard error, once per `--interval`: redrawn in place on a terminal, one
/// plain line per report otherwise.
final class ProgressLine: Sendable {
  private let isTerminal = isatty(STDERR_FILENO) == 1

  /// Shows one progress report: the interval's rate and p99, the connections and errors so far.
  func show(_ progress: LoadProgress) {
    let elapsed = progress.elapsed.seconds
    let text =
      "[\(progress.interval.isWarmup ? "warmup" : FixedPoint.format(elapsed, 0) + "s")] "
      + "\(FixedPoint.format(progress.messagesPerSecond, 0)) msg/s  "
      + "\(FixedPoint.format(progress.bytesPerSecond / 1_000_000, 2)) MB/s  "
      + "p99 \(FixedPoint.format(progress.p99, 1)) us  "
      + "up \(progress.connectionsUp)  errors \(progress.errors)"
    Self.toStandardError(isTerminal ? "\r\u{1B}[K" + text : text + "\n")
  }

  /// Ends the redrawn line so that what follows starts on a line of its own.
  func finish() {
    if isTerminal { Self.toStandardError("\n") }
  }

  /// Writes `text` to standard error at once.
  static func toStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
        if written <= 0 { return }
        offset += written
      }
    }
  }
}
