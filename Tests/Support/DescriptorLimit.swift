#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Raises the soft limit on open descriptors to at least `wanted` (within the hard limit), for
/// tests with thousands of connections; returns the soft limit in force.
@discardableResult
package func raiseDescriptorLimit(to wanted: Int) -> Int {
  var limits = rlimit()
  guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return 0 }
  if limits.rlim_cur < rlim_t(wanted) {
    limits.rlim_cur = min(rlim_t(wanted), limits.rlim_max)
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits)
    _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits)
  }
  return Int(limits.rlim_cur)
}
