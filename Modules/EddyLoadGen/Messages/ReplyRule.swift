/// Where one reply ends, in request mode.
public enum ReplyRule: Sendable, Equatable {
  /// This many frames decoded by the codec stack (a framing stack only).
  case frames(Int)
  /// Over a framing stack: the frames up to and including the first frame equal to one of
  /// these; under `raw`: the bytes up to and including the first occurrence of one of these.
  case until([[UInt8]])
  /// This many bytes (`raw` or a stack without a framing layer only).
  case bytes(Int)
}

/// What the first frame of every reply (under `raw`: the whole reply) must be.
public enum ReplyExpectation: Sendable, Equatable {
  /// Exactly these bytes (`--expect`).
  case equal([UInt8])
  /// Beginning with these bytes (`--expect-prefix`).
  case prefix([UInt8])

  /// The bytes compared.
  var bytes: [UInt8] {
    switch self {
    case .equal(let bytes), .prefix(let bytes): bytes
    }
  }
}
