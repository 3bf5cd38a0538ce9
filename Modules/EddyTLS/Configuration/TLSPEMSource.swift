/// Where PEM text comes from: a file, or a string already in memory.
public enum TLSPEMSource: Sendable, Equatable {
  /// A PEM file on disk, read when the ``TLSContext`` is made.
  case file(String)
  /// PEM text in memory.
  case pem(String)
}
