/// Why bytes or text are not an encoded histogram.
public enum HistogramCodingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The text is not base64.
  case notBase64
  /// The data is shorter than its headers say.
  case truncated
  /// A cookie is not the compressed (outer) or the V2 (inner) encoding's.
  case unknownCookie(UInt32)
  /// The compressed part does not inflate.
  case corrupt(String)
  /// Lowest and highest values or significant digits no histogram can have (or too many counts).
  case invalidLayout(lowest: UInt64, highest: UInt64, digits: Int)
  /// A count lies beyond the layout's counts array, or is negative where a count must be.
  case invalidCounts

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .notBase64: "not base64"
    case .truncated: "truncated histogram"
    case .unknownCookie(let cookie): "not a compressed V2 histogram (cookie 0x\(String(cookie, radix: 16)))"
    case .corrupt(let reason): "the compressed histogram does not inflate: \(reason)"
    case .invalidLayout(let lowest, let highest, let digits):
      "no histogram has lowest \(lowest), highest \(highest), \(digits) significant digits"
    case .invalidCounts: "counts beyond the histogram's range"
    }
  }
}
