/// How much received data an ``AsyncConnection`` holds for a consumer that has fallen behind.
///
/// Reading from the transport pauses as soon as the buffer holds `high` or more and resumes once
/// the consumer has taken it down to `low` or less. Counted in elements (chunks or frames), the
/// buffer never holds more than `high`; counted in bytes, never more than `high` plus one
/// element.
public struct InboundBufferLimits: Sendable, Equatable {
  /// What the marks count.
  public enum Unit: Sendable, Equatable {
    /// Elements: received chunks, or frames when a codec stack is in place.
    case elements
    /// The readable bytes of the elements.
    case bytes
  }

  /// The default: pause at 256 KiB, resume at 64 KiB.
  public static let `default` = InboundBufferLimits.bytes(high: 256 * 1024, low: 64 * 1024)

  /// What ``high`` and ``low`` count.
  public let unit: Unit
  /// Reading pauses when the buffer reaches this.
  public let high: Int
  /// Paused reading resumes when the buffer drops to this.
  public let low: Int

  /// Limits counted in elements.
  ///
  /// - Precondition: `0 <= low < high`.
  public static func elements(high: Int, low: Int) -> InboundBufferLimits {
    InboundBufferLimits(unit: .elements, high: high, low: low)
  }

  /// Limits counted in bytes.
  ///
  /// - Precondition: `0 <= low < high`.
  public static func bytes(high: Int, low: Int) -> InboundBufferLimits {
    InboundBufferLimits(unit: .bytes, high: high, low: low)
  }

  private init(unit: Unit, high: Int, low: Int) {
    precondition(low >= 0 && low < high, "inbound buffer limits need 0 <= low < high")
    self.unit = unit
    self.high = high
    self.low = low
  }
}
