import EddyTesting

extension DecoderVerifier {
  /// The first `shown` failures for `examples`, in words, then how many more there were: short
  /// enough to read in a failed expectation.
  func firstFailures(for examples: [Example], shown: Int = 3) -> [String] {
    let all = failures(for: examples)
    let more = all.count > shown ? ["and \(all.count - shown) more"] : []
    return all.prefix(shown).map(\.description) + more
  }
}
