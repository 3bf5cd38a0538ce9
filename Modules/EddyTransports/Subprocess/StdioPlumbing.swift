import CEddySystem
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The descriptors one spawn wires to the child's standard streams: what each stream number
/// gets in the child, and this process's ends of the pipes.
struct StdioPlumbing {
  /// Stream number → the descriptor the child gets a duplicate of there. Always numbered 3 or
  /// above, so that wiring one stream cannot overwrite the source of another.
  private(set) var sources: [Int32: Int32] = [:]
  /// Stream numbers opened on `/dev/null` in the child.
  private(set) var devNull: [Int32] = []
  /// Descriptors this process closes once the child has started (or failed to).
  private var childSide: [Int32] = []
  /// Stream number → this process's end of the pipe to it: non-blocking and close-on-exec.
  private(set) var parentEnds: [Int32: Int32] = [:]

  /// Sets up stream `number` of the child as `choice` says.
  mutating func prepare(_ number: Int32, _ choice: SubprocessStdio) throws(SubprocessError) {
    switch choice {
    case .inherit:
      break
    case .devNull:
      devNull.append(number)
    case .fileDescriptor(let fd):
      sources[number] = try duplicateAbove2(fd)
    case .pipe:
      var fds: [Int32] = [0, 0]
      guard eddy_pipe(&fds) == 0 else { throw .system(SystemError("pipe")) }
      let (childEnd, parentEnd) = number == 0 ? (fds[0], fds[1]) : (fds[1], fds[0])
      parentEnds[number] = parentEnd
      childSide.append(childEnd)
      // The child's end must block: O_NONBLOCK belongs to the open pipe, which the child shares.
      guard eddy_set_flags(childEnd, eddy_get_flags(childEnd) & ~O_NONBLOCK) == 0 else {
        throw .system(SystemError("fcntl"))
      }
      sources[number] = childEnd < 3 ? try duplicateAbove2(childEnd) : childEnd
    }
  }

  /// A close-on-exec duplicate of `fd` numbered 3 or above, closed after the spawn.
  private mutating func duplicateAbove2(_ fd: Int32) throws(SubprocessError) -> Int32 {
    let copy = eddy_dup_cloexec(fd, 3)
    guard copy >= 0 else { throw .system(SystemError("fcntl")) }
    childSide.append(copy)
    return copy
  }

  /// Closes the descriptors only the child needed.
  mutating func closeChildSide() {
    for fd in childSide { systemClose(fd) }
    childSide.removeAll()
  }

  /// Closes this process's pipe ends too (the spawn failed).
  mutating func closeParentSide() {
    for fd in parentEnds.values { systemClose(fd) }
    parentEnds.removeAll()
  }
}
