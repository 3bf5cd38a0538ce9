import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// While it lives, the first SIGINT (Ctrl-C) or SIGTERM (what `timeout` and CI send) ends the
/// run early, with its report; a second one quits at once.
final class StopOnInterrupt: Sendable {
  private let group: EventLoopGroup

  /// Calls `stop` on the first SIGINT or SIGTERM.
  init(_ stop: @escaping @Sendable () -> Void) throws {
    group = try EventLoopGroup(loops: 1, name: "signals")
    let loop = group.loops[0]
    loop.execute {
      var interrupted = false
      for signal in [SIGINT, SIGTERM] {
        do {
          try loop.addSignalHandler(signal) {
            guard !interrupted else { _exit(128 + signal) }
            interrupted = true
            ProgressLine.toStandardError("\nstopping: waiting for the last replies (Ctrl-C again to quit)\n")
            stop()
          }
        } catch {
          ProgressLine.toStandardError("loadgen: cannot handle signal \(signal): \(error)\n")
        }
      }
    }
  }

  /// Restores the signals' defaults and stops the signal thread.
  func cancel() { group.shutdown() }
}
