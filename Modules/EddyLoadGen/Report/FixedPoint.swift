/// Decimal text for floating-point numbers with a fixed number of fraction digits, without
/// Foundation's formatting.
public enum FixedPoint {
  /// `value` rounded to `digits` fraction digits, e.g. `format(3.14159, 2) == "3.14"`.
  public static func format(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "0" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9e18 else { return String(Int64(value)) }
    let units = UInt64(scaled)
    let whole = units / UInt64(scale)
    let sign = value < 0 && units > 0 ? "-" : ""
    guard digits > 0 else { return "\(sign)\(whole)" }
    var fraction = String(units % UInt64(scale))
    fraction = String(repeating: "0", count: digits - fraction.count) + fraction
    return "\(sign)\(whole).\(fraction)"
  }
}
