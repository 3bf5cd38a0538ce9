#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A point on the monotonic clock, in nanoseconds since an arbitrary origin.
public struct Deadline: Sendable, Hashable, Comparable {
  /// Nanoseconds since the clock's origin.
  public let nanoseconds: UInt64

  /// Creates a deadline from a raw nanosecond count.
  public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

  /// The monotonic clock's current time.
  @inlinable
  public static func now() -> Deadline {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Deadline(nanoseconds: UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec))
  }

  /// This deadline moved by `duration` (clamped at the clock's origin).
  public func advanced(by duration: Duration) -> Deadline {
    let delta = duration.nanoseconds
    if delta >= 0 { return Deadline(nanoseconds: nanoseconds &+ UInt64(delta)) }
    let back = UInt64(-delta)
    return Deadline(nanoseconds: back > nanoseconds ? 0 : nanoseconds - back)
  }

  /// The time from `self` to `other` (negative when `other` is earlier).
  public func duration(to other: Deadline) -> Duration {
    .nanoseconds(Int64(bitPattern: other.nanoseconds &- nanoseconds))
  }

  /// Orders deadlines by time.
  public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

  /// `deadline + duration`.
  public static func + (lhs: Deadline, rhs: Duration) -> Deadline { lhs.advanced(by: rhs) }
}

extension Duration {
  /// The duration in whole nanoseconds, saturating at `Int64`'s bounds.
  public var nanoseconds: Int64 {
    let (seconds, attoseconds) = components
    let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    if overflow { return seconds < 0 ? .min : .max }
    let (sum, overflow2) = product.addingReportingOverflow(attoseconds / 1_000_000_000)
    return overflow2 ? (seconds < 0 ? .min : .max) : sum
  }
}
