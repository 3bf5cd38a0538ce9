#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The descriptors a run needs: its connections and a margin for loops, timers and files. The
/// soft limit is raised towards the hard one when it is too low; a run the hard limit cannot
/// hold is refused before it starts instead of stalling on `EMFILE`.
enum DescriptorLimit {
  /// Descriptors kept for everything that is not a connection.
  static let margin = 64

  static func ensure(for connections: Int) throws(OptionValue.Refused) {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
    let needed = rlim_t(connections + margin)
    guard limit.rlim_cur < needed else { return }
    guard limit.rlim_max >= needed else {
      throw OptionValue.Refused(
        option: "connections",
        reason:
          "\(connections) connections need \(needed) descriptors, the hard limit is \(limit.rlim_max) (ulimit -Hn)"
      )
    }
    limit.rlim_cur = needed
    guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
      throw OptionValue.Refused(
        option: "connections", reason: "cannot raise the descriptor limit to \(needed): errno \(errno)")
    }
  }
}
