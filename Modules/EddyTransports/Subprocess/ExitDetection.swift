/// How a child's exit is noticed.
package enum ExitDetection: Sendable {
  /// A pidfd where the system has them, else SIGCHLD.
  case automatic
  /// SIGCHLD through the loop's signal support, even where pidfds exist.
  case childSignal
}
