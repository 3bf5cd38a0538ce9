import EddyCodecs
import EddyProtocols

extension DecoderVerifier {
  /// One input and what decoding it must give, however it is chunked.
  public struct Example {
    /// The bytes received, from the start of a connection to its end.
    public var input: ByteBuffer
    /// The messages decoding must hand up, in order, `decode` and `decodeLast` together. For a
    /// decoder whose messages are not message boundaries, how the output is split does not
    /// matter, only what it joins to.
    public var expected: [Message]
    /// How the input must end once every message is out.
    public var ending: ExpectedEnding

    /// Describes an example.
    ///
    /// - Parameters:
    ///   - input: The bytes received.
    ///   - expected: The messages decoding must hand up.
    ///   - ending: How the input must end; cleanly, with nothing left over, by default.
    public init(input: ByteBuffer, expected: [Message], ending: ExpectedEnding = .clean) {
      self.input = input
      self.expected = expected
      self.ending = ending
    }
  }

  /// How an example's input must end.
  public enum ExpectedEnding: CustomStringConvertible {
    /// `decodeLast` returns nil with the buffer empty.
    case clean
    /// `decodeLast` returns nil with this many bytes still in the buffer, which a
    /// ``/EddyCodecs/CodecLayer`` reports as a truncated frame.
    case leftover(bytes: Int)
    /// The decoder throws this failure, compared by its reflection (`String(reflecting:)`), so
    /// that failures need not be `Equatable`.
    case failure(Decoder.DecodeFailure)
    /// The decoder throws a failure the predicate accepts, for failures whose details may
    /// depend on the chunking.
    case anyFailure(where: (Decoder.DecodeFailure) -> Bool)

    /// True when `ending` is the one expected.
    public func accepts(_ ending: Ending) -> Bool {
      switch (self, ending) {
      case (.clean, .clean):
        true
      case (.leftover(let expected), .leftover(let actual)):
        expected == actual
      case (.failure(let expected), .failed(let actual)):
        String(reflecting: expected) == String(reflecting: actual)
      case (.anyFailure(let accepts), .failed(let actual)):
        accepts(actual)
      default:
        false
      }
    }

    /// The ending in words.
    public var description: String {
      switch self {
      case .clean: "a clean end"
      case .leftover(let bytes): "\(bytes) bytes left over"
      case .failure(let failure): "the failure \(String(reflecting: failure))"
      case .anyFailure: "a failure the example accepts"
      }
    }
  }

  /// How a feeding of an example ended.
  public enum Ending: CustomStringConvertible {
    /// `decodeLast` returned nil with the buffer empty.
    case clean
    /// `decodeLast` returned nil with this many bytes still in the buffer.
    case leftover(bytes: Int)
    /// The decoder threw.
    case failed(Decoder.DecodeFailure)

    /// The ending in words.
    public var description: String {
      switch self {
      case .clean: "a clean end"
      case .leftover(let bytes): "\(bytes) bytes left over"
      case .failed(let failure): "the failure \(String(reflecting: failure))"
      }
    }
  }
}
