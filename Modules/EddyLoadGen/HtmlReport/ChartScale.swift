/// A linear axis from zero with round ticks: steps of 1, 2 or 5 times a power of ten, as few as
/// cover the largest value with at most about five of them.
struct ChartScale: Sendable, Equatable {
  /// The axis' top, the last tick: at or above the largest value.
  let top: Double
  /// The distance between ticks.
  let step: Double

  /// The scale for values up to `largest` (a scale of 0 to 1 when nothing is above zero).
  init(largest: Double) {
    guard largest > 0, largest.isFinite else {
      (top, step) = (1, 0.2)
      return
    }
    var power = 1.0
    while power * 10 <= largest / 5 { power *= 10 }
    while power > largest / 5 { power /= 10 }
    let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 * 5 >= largest } ?? power * 10
    self.step = step
    top = (largest / step - 1e-9).rounded(.up) * step
  }

  /// The ticks, from 0 to ``top``.
  var ticks: [Double] {
    (0...Int((top / step).rounded())).map { Double($0) * step }
  }

  /// `value` in few characters: `1.5M`, `250k`, `12`, `0.4`.
  static func label(_ value: Double) -> String {
    func trimmed(_ value: Double) -> String {
      let text = FixedPoint.format(value, 1)
      return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
    if abs(value) >= 1_000_000 { return trimmed(value / 1_000_000) + "M" }
    if abs(value) >= 1000 { return trimmed(value / 1000) + "k" }
    return value == value.rounded()
      ? FixedPoint.format(value, 0) : FixedPoint.format(value, abs(value) < 0.1 ? 3 : 1)
  }
}
