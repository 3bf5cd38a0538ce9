/// Checks of numeric option values, each failing with `--OPTION: reason` (exit 2), so that a
/// value out of range never reaches a conversion that would trap.
enum OptionValue {
  /// An option's value was refused.
  struct Refused: Error, CustomStringConvertible {
    let option: String
    let reason: String

    var description: String { "--\(option): \(reason)" }
  }

  /// The longest time any option may ask for: one year.
  static let maxSeconds: Double = 365 * 24 * 3600

  /// A duration in seconds: finite, at least `minimum` (strictly above it when `exclusive`),
  /// at most a year.
  static func seconds(
    _ value: Double, option: String, minimum: Double = 0, exclusive: Bool = false
  ) throws(Refused) -> Duration {
    guard value.isFinite else { throw Refused(option: option, reason: "\(value) is not a number of seconds") }
    let low = exclusive ? value <= minimum : value < minimum
    guard !low else {
      throw Refused(
        option: option, reason: "must be \(exclusive ? "more than" : "at least") \(minimum) seconds")
    }
    guard value <= maxSeconds else {
      throw Refused(option: option, reason: "must be at most \(Int(maxSeconds)) seconds (a year)")
    }
    return .nanoseconds(Int64((value * 1e9).rounded()))
  }

  /// A rate per second: finite and within `range`.
  static func rate(_ value: Double, option: String, range: ClosedRange<Double>) throws(Refused) -> Double {
    guard value.isFinite else { throw Refused(option: option, reason: "\(value) is not a rate") }
    guard value > 0 else { throw Refused(option: option, reason: "the rate must be positive") }
    guard range.contains(value) else {
      throw Refused(
        option: option, reason: "must be between \(range.lowerBound) and \(Int(range.upperBound)) per second")
    }
    return value
  }

  /// A count within `range`.
  static func count(_ value: Int, option: String, range: ClosedRange<Int>) throws(Refused) -> Int {
    guard range.contains(value) else {
      throw Refused(
        option: option, reason: "must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
    }
    return value
  }
}
