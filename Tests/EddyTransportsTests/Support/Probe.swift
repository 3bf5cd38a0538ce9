import EddyReactor
import EddyTestSupport

/// One protocol callback, as seen by a test; a lost connection carries its errno (nil for a
/// clean end, -1 for an error without one).
typealias Event = StreamProbeEvent<Int32>

/// What a ``Probe`` saw, readable from the test's thread while the loop runs.
typealias ProbeLog = StreamProbeLog<Int32>

/// A stream protocol that records every callback and runs optional hooks.
typealias Probe = StreamProbe<Int32>

extension StreamProbeLog where Loss == Int32 {
  /// An empty log recording a lost connection's errno.
  convenience init() {
    self.init { ($0 as? SystemError)?.errno ?? -1 }
  }
}
