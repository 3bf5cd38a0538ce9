import EddyCodecs
import EddyProtocols
import EddyTesting
import Testing

/// The line codec under the decoder verifier, with one-byte and multi-byte delimiters.
@Suite struct LineCodecVerificationTests {
  typealias Example = DecoderVerifier<LineCodec>.Example

  /// The first few failures, in words.
  private func failures(_ codec: LineCodec, _ examples: [Example]) -> [String] {
    DecoderVerifier { codec }.firstFailures(for: examples)
  }

  @Test func newlines() {
    let codec = LineCodec()
    let examples: [Example] = [
      Example(input: "a\nbc\n\nthe last line\n", expected: ["a", "bc", "", "the last line"]),
      Example(input: "dos\r\nunix\n\r\n", expected: ["dos", "unix", ""]),
      Example(input: "", expected: []),
      Example(input: "\n", expected: [""]),
      Example(input: "done\nhalf", expected: ["done"], ending: .failure(.truncatedFrame(bufferedBytes: 4))),
    ]
    let found = failures(codec, examples)
    #expect(found.isEmpty)
  }

  @Test func newlinesKeepingCarriageReturns() {
    let codec = LineCodec(stripsCarriageReturn: false)
    let found = failures(codec, [Example(input: "a\r\nb\r\r\n", expected: ["a\r", "b\r\r"])])
    #expect(found.isEmpty)
  }

  @Test func crlf() {
    let codec = LineCodec(delimiter: Array("\r\n".utf8))
    let examples: [Example] = [
      Example(input: "GET / HTTP/1.1\r\nHost: x\r\n\r\n", expected: ["GET / HTTP/1.1", "Host: x", ""]),
      Example(input: "a lone \n and \r stay\r\n", expected: ["a lone \n and \r stay"]),
      Example(input: "\r\r\n", expected: [""]),
      Example(
        input: "ends on half a delimiter\r", expected: [],
        ending: .failure(.truncatedFrame(bufferedBytes: 25))),
    ]
    let found = failures(codec, examples)
    #expect(found.isEmpty)
  }

  @Test func nul() {
    let codec = LineCodec(delimiter: [0], stripsCarriageReturn: false)
    let input = ByteBuffer(bytes: Array("one".utf8) + [0] + Array("two\r".utf8) + [0, 0, 0x0A, 0])
    let found = failures(codec, [Example(input: input, expected: ["one", "two\r", "", "\n"])])
    #expect(found.isEmpty)
  }

  @Test func multiByteDelimiters() {
    let blankLine = LineCodec(delimiter: Array("\r\n\r\n".utf8))
    let headers: [Example] = [
      Example(input: "h1\r\nh2\r\n\r\nbody\r\n\r\n", expected: ["h1\r\nh2", "body"]),
      Example(input: "\r\n\r\n\r\n\r\n", expected: ["", ""]),
      Example(input: "\r\n\r\r\n\r\n", expected: ["\r\n"]),
    ]
    var found = failures(blankLine, headers)
    // A delimiter whose prefix repeats inside it: a candidate that fails must not hide the real one.
    let overlapping = LineCodec(delimiter: Array("aab".utf8))
    found += failures(overlapping, [Example(input: "aaabxaabaaaab", expected: ["a", "x", "aa"])])
    let word = LineCodec(delimiter: Array("END".utf8))
    found += failures(
      word,
      [
        Example(
          input: "ENENDEEND, ENDED", expected: ["EN", "E", ", "],
          ending: .failure(.truncatedFrame(bufferedBytes: 2)))
      ])
    #expect(found.isEmpty)
  }

  @Test func maximumLengthWhateverTheChunking() {
    let lf = LineCodec(maxLength: 4)
    var found = failures(
      lf,
      [
        Example(input: "abcd\nabc\r\n", expected: ["abcd", "abc"]),
        Example(input: "abcd\r\n", expected: ["abcd"]),
        Example(input: "ok\nabcdefgh\nnever", expected: ["ok"], ending: .failure(.lineTooLong(maxLength: 4))),
        Example(input: "abcdefgh", expected: [], ending: .failure(.lineTooLong(maxLength: 4))),
      ])
    let crlf = LineCodec(delimiter: Array("\r\n\r\n".utf8), maxLength: 3)
    found += failures(
      crlf,
      [
        Example(input: "abc\r\n\r\nab\r\r\n\r\n", expected: ["abc", "ab"]),
        Example(input: "abcd\r\n\r\n", expected: [], ending: .failure(.lineTooLong(maxLength: 3))),
      ])
    #expect(found.isEmpty)
  }
}
