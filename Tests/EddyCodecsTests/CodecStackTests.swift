import EddyCodecs
import EddyProtocols
import EddyTesting
import Testing

@Suite struct CodecStackTests {
  @Test(arguments: CodecStack.validNames)
  func everyToolStackNameParsesAndPrintsBack(name: String) throws {
    let stack = try CodecStack(parsing: name)
    #expect(stack.description == name)
    #expect(stack.layers.count == (name == "raw" ? 0 : name.split(separator: ",").count))
  }

  @Test func layersAreNamedFromTheWireUpward() throws {
    let stack = try CodecStack(parsing: " zlib , length-prefix ", maxFrameLength: 10)
    #expect(stack.layers == [.zlib(ZlibOptions()), .lengthPrefix(LengthFieldCodec(maxFrameLength: 10))])
    let line = try CodecStack(parsing: "line", maxLineLength: 5)
    #expect(line.layers == [.line(LineCodec(maxLength: 5))])
  }

  @Test(arguments: [
    ("", InvalidCodecStack.Reason.empty),
    ("gzip", .unknownLayer("gzip")),
    ("line,zlib", .misplacedLayer(layer: "zlib", below: "line")),
    ("zlib,,line", .emptyLayer(position: 2)),
    ("raw,line", .rawNotAlone),
    ("LINE", .unknownLayer("LINE")),
    ("line,line", .repeatedLayer("line")),
  ])
  func invalidNamesSayWhatIsWrong(name: String, reason: InvalidCodecStack.Reason) {
    let error = #expect(throws: InvalidCodecStack.self) { try CodecStack(parsing: name) }
    #expect(error?.name == name)
    #expect(error?.reason == reason)
  }

  @Test func rawWrapsNothing() throws {
    let app = RecordingProtocol()
    #expect(try CodecStack(parsing: "raw").wrap(app) === app)
  }

  @Test func wrapBuildsFreshLayersEachTime() throws {
    let stack = try CodecStack(parsing: "zlib,line")
    let first = stack.wrap(RecordingProtocol())
    let second = stack.wrap(RecordingProtocol())
    #expect(first !== second)
  }
}
