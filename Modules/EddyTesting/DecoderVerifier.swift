import EddyCodecs
import EddyProtocols

/// Checks a ``/EddyCodecs/MessageDecoder`` against examples of input and the messages it must
/// decode from it, feeding every input in many chunkings, as a ``/EddyCodecs/CodecLayer`` would
/// receive it from a connection.
///
/// Each example's input is fed to a fresh decoder made for the purpose:
///
/// - whole, in one chunk;
/// - one byte at a time;
/// - split into two non-empty chunks, at every position;
/// - in pseudo-random chunkings drawn from a fixed seed, so that a failure is reproduced by
///   running the same examples again. In every second one the bytes left over after a chunk
///   are moved to fresh storage, as a layer does when it lets go of a received buffer.
///
/// After each chunk ``/EddyCodecs/MessageDecoder/decode(_:)`` is called until it returns nil; at
/// the end of the input ``/EddyCodecs/MessageDecoder/decodeLast(_:)`` is called the same way.
/// Every feeding must decode the example's messages and end the way the example says: cleanly,
/// with bytes left over, or with a failure. A decoder whose messages are not message boundaries
/// (``/EddyCodecs/MessageDecoder/decodesMessages`` is false, such as decompression) is compared
/// on its output joined into one.
///
/// Each nil is also checked for consistency: the same call is made again at once, on the buffer
/// left unchanged, and must return nil again and consume nothing more. A decoder that hands up a
/// message twice, or eats bytes it has no use for, fails there even if its messages come out
/// right.
///
/// ```swift
/// let verifier = DecoderVerifier { LineCodec() }
/// let failures = verifier.failures(for: [.init(input: "a\nbc\n", expected: ["a", "bc"])])
/// #expect(failures.isEmpty)
/// ```
public struct DecoderVerifier<Decoder: MessageDecoder> where Decoder.InboundMessage: Equatable {
  /// What the decoder hands up.
  public typealias Message = Decoder.InboundMessage

  /// Makes the decoder each feeding runs; called once per feeding.
  public let makeDecoder: () -> Decoder
  /// The seed of the pseudo-random chunkings.
  public let seed: UInt64
  /// How many pseudo-random chunkings each example is fed in.
  public let randomFeedings: Int
  /// The most decoder calls one feeding may make; a decoder that goes on returning messages
  /// past it is reported instead of looping forever.
  public let callLimit: Int
  /// Joins the output of a decoder whose messages are not message boundaries.
  private let join: (([Message]) -> Message)?

  /// Creates a verifier of the decoders `makeDecoder` makes.
  ///
  /// - Parameters:
  ///   - seed: The seed of the pseudo-random chunkings.
  ///   - randomFeedings: How many pseudo-random chunkings each example is fed in.
  ///   - callLimit: The most decoder calls one feeding may make.
  ///   - join: Joins the output of a decoder that does not decode messages into one value, to
  ///     be compared whatever the chunking; without it such output is compared as a list.
  ///   - makeDecoder: Makes a fresh decoder.
  public init(
    seed: UInt64 = 0x00ED_DDEC_0DE5,
    randomFeedings: Int = 32,
    callLimit: Int = 1_000_000,
    joiningStreamOutput join: (([Message]) -> Message)? = nil,
    makeDecoder: @escaping () -> Decoder
  ) {
    precondition(randomFeedings >= 0, "the number of random feedings cannot be negative")
    precondition(callLimit > 0, "the call limit must be positive")
    self.makeDecoder = makeDecoder
    self.seed = seed
    self.randomFeedings = randomFeedings
    self.callLimit = callLimit
    self.join = join
  }

  /// Feeds every example in every chunking and returns what went wrong; empty when the decoder
  /// decoded each example as expected every time.
  public func failures(for examples: [Example]) -> [Failure] {
    var failures: [Failure] = []
    for (index, example) in examples.enumerated() {
      for feeding in feedings(forInputLength: example.input.readableBytes, example: index) {
        failures += check(example, index: index, feeding: feeding)
      }
    }
    return failures
  }

  /// The chunkings the example at `index` is fed in, for an input of `length` bytes.
  public func feedings(forInputLength length: Int, example index: Int = 0) -> [DecoderFeeding] {
    var feedings: [DecoderFeeding] = [.whole, .byteByByte]
    if length >= 2 { feedings += (1..<length).map { .split(at: $0) } }
    var random = SplitMix64(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
    for round in 0..<randomFeedings {
      feedings.append(.random(round: round, chunkLengths: random.chunkLengths(total: length, round: round)))
    }
    return feedings
  }

  /// One feeding of one example, and how it failed.
  private func check(_ example: Example, index: Int, feeding: DecoderFeeding) -> [Failure] {
    let outcome = run(example.input, feeding: feeding)
    var kinds = outcome.anomalies
    if let ending = outcome.ending {
      let actual = comparable(outcome.messages, decodesMessages: outcome.decodesMessages)
      let expected = comparable(example.expected, decodesMessages: outcome.decodesMessages)
      if actual != expected { kinds.append(.unexpectedMessages(expected: expected, actual: actual)) }
      if !example.ending.accepts(ending) {
        kinds.append(.unexpectedEnding(expected: example.ending, actual: ending))
      }
    }
    return kinds.map { Failure(example: index, feeding: feeding, kind: $0) }
  }

  /// The messages as compared: joined into one when they are a stream's output.
  private func comparable(_ messages: [Message], decodesMessages: Bool) -> [Message] {
    guard let join, !decodesMessages else { return messages }
    return [join(messages)]
  }

  /// What one feeding produced.
  private struct Outcome {
    var messages: [Message] = []
    /// Whether the decoder's messages are message boundaries.
    var decodesMessages = true
    /// How the input ended; nil when the feeding was stopped at the call limit.
    var ending: Ending?
    var anomalies: [Failure.Kind] = []
    var calls = 0
    var reportedRepeat = false
    var reportedConsumption = false
  }

  /// Feeds `input` in the feeding's chunks, then ends it.
  private func run(_ input: ByteBuffer, feeding: DecoderFeeding) -> Outcome {
    var decoder = makeDecoder()
    defer { decoder.release() }
    var outcome = Outcome(decodesMessages: decoder.decodesMessages)
    var buffer = ByteBuffer()
    var offset = 0
    do {
      for length in feeding.chunkLengths(total: input.readableBytes) {
        buffer.writeBuffer(input.getSlice(at: offset, length: length) ?? ByteBuffer())
        offset += length
        guard try drain(&decoder, &buffer, atEnd: false, &outcome) else { return outcome }
        if feeding.movesLeftovers && !buffer.isEmpty {
          var moved = ByteBuffer(capacity: buffer.readableBytes)
          moved.writeBuffer(buffer)
          buffer = moved
        }
      }
      guard try drain(&decoder, &buffer, atEnd: true, &outcome) else { return outcome }
      outcome.ending = buffer.isEmpty ? .clean : .leftover(bytes: buffer.readableBytes)
    } catch {
      outcome.ending = .failed(error)
    }
    return outcome
  }

  /// Calls the decoder until it returns nil, then once more on the unchanged buffer; false when
  /// the call limit stopped it.
  private func drain(
    _ decoder: inout Decoder, _ buffer: inout ByteBuffer, atEnd: Bool, _ outcome: inout Outcome
  ) throws(Decoder.DecodeFailure) -> Bool {
    while true {
      guard outcome.calls < callLimit else {
        outcome.anomalies.append(.callLimitExceeded(calls: callLimit))
        return false
      }
      outcome.calls += 1
      if let message = try decode(&decoder, &buffer, atEnd: atEnd) {
        outcome.messages.append(message)
        continue
      }
      let before = buffer.readableBytes
      outcome.calls += 1
      if let repeated = try decode(&decoder, &buffer, atEnd: atEnd) {
        if !outcome.reportedRepeat {
          outcome.reportedRepeat = true
          outcome.anomalies.append(.messageOnRepeatedCall(repeated, atEnd: atEnd))
        }
        // A layer hands it up as well.
        outcome.messages.append(repeated)
        continue
      }
      if buffer.readableBytes != before && !outcome.reportedConsumption {
        outcome.reportedConsumption = true
        outcome.anomalies.append(
          .consumedOnRepeatedCall(bytes: before - buffer.readableBytes, atEnd: atEnd))
      }
      return true
    }
  }

  private func decode(
    _ decoder: inout Decoder, _ buffer: inout ByteBuffer, atEnd: Bool
  ) throws(Decoder.DecodeFailure) -> Message? {
    atEnd ? try decoder.decodeLast(&buffer) : try decoder.decode(&buffer)
  }
}

extension DecoderVerifier where Decoder.InboundMessage == ByteBuffer {
  /// Creates a verifier of the byte-frame decoders `makeDecoder` makes; the output of a decoder
  /// that does not decode messages is joined by concatenation.
  ///
  /// - Parameters:
  ///   - seed: The seed of the pseudo-random chunkings.
  ///   - randomFeedings: How many pseudo-random chunkings each example is fed in.
  ///   - callLimit: The most decoder calls one feeding may make.
  ///   - makeDecoder: Makes a fresh decoder.
  public init(
    seed: UInt64 = 0x00ED_DDEC_0DE5,
    randomFeedings: Int = 32,
    callLimit: Int = 1_000_000,
    makeDecoder: @escaping () -> Decoder
  ) {
    self.init(
      seed: seed, randomFeedings: randomFeedings, callLimit: callLimit,
      joiningStreamOutput: { chunks in
        var joined = ByteBuffer(capacity: chunks.reduce(0) { $0 + $1.readableBytes })
        for chunk in chunks { joined.writeBuffer(chunk) }
        return joined
      },
      makeDecoder: makeDecoder)
  }
}
