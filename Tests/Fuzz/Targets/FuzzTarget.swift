/// The fuzz programs: each reads an arbitrary input, drives one part of Eddy with it and checks
/// every promise that part makes. The same programs run under libFuzzer (`make fuzz`) and, on
/// the committed seeds and regression inputs, in the test suite.
public enum FuzzTarget: String, CaseIterable, Sendable {
  /// ByteBuffer operations, compared with an array of bytes.
  case byteBuffer = "byte-buffer"
  /// The line decoder against a reference splitter.
  case lineDecoder = "line"
  /// The length-field decoder, on arbitrary bytes and on encoded frames.
  case lengthFieldDecoder = "length-prefix"
  /// The zlib decoder, on arbitrary bytes and on compressed data.
  case zlibDecoder = "zlib"
  /// The `zlib,line` and `zlib,length-prefix` stacks through codec layers in memory.
  case codecStack = "stack"

  /// Runs the program on `input`.
  ///
  /// - Throws: ``FuzzFailure`` when a promise was broken.
  public func run(_ input: [UInt8]) throws(FuzzFailure) {
    var reader = FuzzInput(input)
    switch self {
    case .byteBuffer: try ByteBufferFuzz.run(&reader)
    case .lineDecoder: try LineDecoderFuzz.run(&reader)
    case .lengthFieldDecoder: try LengthFieldDecoderFuzz.run(&reader)
    case .zlibDecoder: try ZlibDecoderFuzz.run(&reader)
    case .codecStack: try CodecStackFuzz.run(&reader)
    }
  }
}
