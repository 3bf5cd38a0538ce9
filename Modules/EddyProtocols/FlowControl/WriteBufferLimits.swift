/// The high- and low-water marks of a write buffer, in bytes.
public struct WriteBufferLimits: Sendable, Equatable {
  /// The default high-water mark: 64 KiB.
  public static let defaultHigh = 64 * 1024

  /// The protocol is paused when the buffer goes strictly over this.
  public let high: Int
  /// A paused protocol is resumed when the buffer drains to this or below.
  public let low: Int

  /// Creates water marks with asyncio's defaults: with neither given, high is 64 KiB; a missing
  /// high is four times low; a missing low is a quarter of high.
  ///
  /// - Precondition: `0 <= low <= high`.
  public init(high: Int? = nil, low: Int? = nil) {
    let resolvedHigh = high ?? low.map { 4 * $0 } ?? Self.defaultHigh
    let resolvedLow = low ?? resolvedHigh / 4
    precondition(resolvedLow >= 0 && resolvedHigh >= resolvedLow, "write buffer limits need 0 <= low <= high")
    self.high = resolvedHigh
    self.low = resolvedLow
  }
}
