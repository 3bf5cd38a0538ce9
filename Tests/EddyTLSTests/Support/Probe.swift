import EddyTLS
import EddyTestSupport

/// One protocol callback, as seen by a test; a lost connection carries its TLS error (nil for a
/// clean end or another error).
typealias Event = StreamProbeEvent<TLSError>

/// What a ``Probe`` saw, readable from the test's thread while the loop runs.
typealias ProbeLog = StreamProbeLog<TLSError>

/// A stream protocol that records every callback and runs optional hooks.
typealias Probe = StreamProbe<TLSError>

extension StreamProbeLog where Loss == TLSError {
  /// An empty log recording a lost connection's TLS error, whose probes keep their layer.
  convenience init() {
    self.init(keepingTransports: true) { $0 as? TLSError }
  }
}

extension StreamProbe {
  /// The transport as the TLS layer it is, kept after the connection ends.
  var layer: TLSLayer? { madeTransport as? TLSLayer }
}
