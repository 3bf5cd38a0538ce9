/// A value made on first use and kept for every later iteration of a benchmark, so that inputs
/// are built outside measurement, and only for the benchmarks that run.
final class Prepared<Value> {
  private let make: () -> Value
  private var made: Value?

  /// Keeps `make` for the first use of ``value``.
  init(_ make: @escaping () -> Value) {
    self.make = make
  }

  /// The value, made by the first call.
  var value: Value {
    if let made { return made }
    let value = make()
    made = value
    return value
  }
}
