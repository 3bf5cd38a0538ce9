import EddyMetrics
import MetricsTestKit

/// The connection error counters of `role` ("server" or "client") with `dimensions` that
/// counted anything, by kind; throws if one of the fixed kinds has no counter.
func countedErrors(_ metrics: TestMetrics, _ role: String, _ dimensions: [(String, String)]) throws
  -> [String: Int64]
{
  var counted: [String: Int64] = [:]
  for kind in ConnectionErrorKind.allCases {
    let total = try metrics.expectCounter(
      "eddy_\(role)_connection_errors_total", dimensions + [("kind", kind.rawValue)]
    ).totalValue
    if total != 0 { counted[kind.rawValue] = total }
  }
  return counted
}
