import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// While it lives, the first SIGINT (Ctrl-C) ends the run early, with its report; a second one
/// quits at once.
final class StopOnInterrupt: Sendable {
  private let group: EventLoopGroup

  /// Calls `stop` on the first SIGINT.
  init(_ stop: @escaping @Sendable () -> Void) throws {
    group = try EventLoopGroup(loops: 1, name: "signals")
    let loop = group.loops[0]
    loop.execute {
      var interrupted = false
      do {
        try loop.addSignalHandler(SIGINT) {
          guard !interrupted else { _exit(130) }
          interrupted = true
          ProgressLine.toStandardError("\nstopping: waiting for the last replies (Ctrl-C again to quit)\n")
          stop()
        }
      } catch {
        ProgressLine.toStandardError("loadgen: cannot handle SIGINT: \(error)\n")
      }
    }
  }

  /// Restores SIGINT's default and stops the signal thread.
  func cancel() { group.shutdown() }
}
