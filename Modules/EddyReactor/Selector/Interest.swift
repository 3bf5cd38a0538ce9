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
  /// Bytes as they arrive, received by the kernel into the loop's buffers, instead of read
  /// readiness: only where ``Selector/completesReceives`` (io_uring), only for sockets.
  package static let receive = Interest(rawValue: 4)
  /// Connections as the kernel accepts them, instead of read readiness: only where
  /// ``Selector/completesReceives`` (io_uring), only for listening sockets.
  package static let accept = Interest(rawValue: 8)
}

/// Readiness reported by the selector for one descriptor, or what a receive it asked for got.
package struct Readiness {
  package var token: UInt64
  package var readable: Bool
  package var writable: Bool
  /// Error or hang-up: delivered to whichever side is registered.
  package var failed: Bool
  /// A completed receive (``Interest/receive``), with no readiness: nil for readiness.
  package var received: ReceiveCompletion? = nil
}

/// What one completion of a descriptor's receive or accept brought.
package enum ReceiveCompletion {
  /// A connection accepted on a listening socket (``Interest/accept``): its new descriptor,
  /// which the handler owns.
  case accepted(Int32)
  /// Bytes, in the loop's buffer until the next wait.
  case bytes(UnsafeRawBufferPointer)
  /// The receive ended: end of stream (0) or the `errno` it failed with; for an accept, the
  /// `errno` of one that failed (the accept goes on while the interest stays).
  case ended(errno: Int32)
}
