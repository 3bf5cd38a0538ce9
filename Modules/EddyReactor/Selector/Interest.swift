/// Which readiness a registered descriptor wants to hear about.
public struct Interest: OptionSet, Sendable, Hashable {
  /// The raw bits.
  public let rawValue: UInt8
  /// Creates a set from raw bits.
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// Readable (or hung up, or in error).
  public static let read = Interest(rawValue: 1)
  /// Writable (or in error).
  public static let write = Interest(rawValue: 2)
}

/// Readiness reported by the selector for one descriptor.
package struct Readiness: Sendable {
  package var token: UInt64
  package var readable: Bool
  package var writable: Bool
  /// Error or hang-up: delivered to whichever side is registered.
  package var failed: Bool
}
