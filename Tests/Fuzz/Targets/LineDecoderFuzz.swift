import EddyCodecs
import EddyProtocols

/// Decodes arbitrary bytes, cut into arbitrary chunks, with a line codec of fuzzed settings, and
/// compares the lines and the error with a reference splitter working on the whole input.
enum LineDecoderFuzz {
  private static let delimiters: [[UInt8]] = [[0x0A], [0x0D, 0x0A], [0x61, 0x61], [0x00, 0x01, 0x00]]
  private static let maxLengths = [0, 1, 3, 16, 100, LineCodec.defaultMaxLength]

  static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
    let delimiter = delimiters[Int(input.byte()) % delimiters.count]
    let strips = input.bool()
    let maxLength = maxLengths[Int(input.byte()) % maxLengths.count]
    let chunking = input.byte()
    let data = input.rest()
    var chunker = FuzzInput([chunking])
    let codec = LineCodec(delimiter: delimiter, stripsCarriageReturn: strips, maxLength: maxLength)
    let decoded = try DecoderDriver(codec, chunks: chunker.chunks(of: data)) { line, _ throws(FuzzFailure) in
      try require(
        line.readableBytes <= maxLength, "a \(line.readableBytes)-byte line passed the \(maxLength) limit")
    }
    let expected = reference(data, delimiter: delimiter, strips: strips, maxLength: maxLength)
    try require(
      decoded.frames == expected.lines,
      "lines differ from the reference: \(decoded.frames.count) vs \(expected.lines.count)")
    try require(
      decoded.error == expected.error,
      "error \(String(describing: decoded.error)), expected \(String(describing: expected.error))")
  }

  /// Splits `data` at each delimiter, leftmost first, and names the error the codec owes.
  private static func reference(
    _ data: [UInt8], delimiter: [UInt8], strips: Bool, maxLength: Int
  ) -> (lines: [[UInt8]], error: CodecError?) {
    var lines: [[UInt8]] = []
    var start = 0
    var index = 0
    while index + delimiter.count <= data.count {
      guard data[index..<index + delimiter.count].elementsEqual(delimiter) else {
        index += 1
        continue
      }
      var line = Array(data[start..<index])
      if strips && line.last == 0x0D { line.removeLast() }
      guard line.count <= maxLength else { return (lines, .lineTooLong(maxLength: maxLength)) }
      lines.append(line)
      index += delimiter.count
      start = index
    }
    let remainder = data.count - start
    let slack = delimiter.count - 1 + (strips ? 1 : 0)
    if remainder - slack > maxLength { return (lines, .lineTooLong(maxLength: maxLength)) }
    return (lines, remainder > 0 ? .truncatedFrame(bufferedBytes: remainder) : nil)
  }
}
