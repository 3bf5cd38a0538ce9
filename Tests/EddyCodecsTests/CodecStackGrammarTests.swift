import EddyCodecs
import EddyProtocols
import Testing

/// The stack grammar of both tools: `LAYER ("," LAYER)*`, `LAYER := NAME (":" KEY "=" VALUE)*`.
@Suite struct CodecStackGrammarTests {
  @Test func theContractsExamplesParse() throws {
    let little = try CodecStack(parsing: "length-prefix:width=2:endian=little")
    #expect(little.layers == [.lengthPrefix(LengthFieldCodec(lengthFieldLength: 2, endianness: .little))])
    #expect(!little.usesTLS)

    let crlf = try CodecStack(parsing: "line:delimiter=crlf")
    #expect(crlf.layers == [.line(LineCodec(delimiter: [0x0D, 0x0A], stripsCarriageReturn: false))])

    let gzip = try CodecStack(parsing: "zlib:format=gzip:level=1,line")
    #expect(gzip.layers == [.zlib(ZlibOptions(format: .gzip, level: 1)), .line(LineCodec())])

    let tls = try CodecStack(parsing: "tls,line")
    #expect(tls.usesTLS)
    #expect(tls.layers == [.line(LineCodec())])
  }

  @Test(arguments: [
    "length-prefix:width=2:endian=little", "line:delimiter=crlf", "zlib:format=gzip:level=1,line", "tls,line",
    "tls", "tls,zlib,length-prefix", "line:delimiter=nul:max=10", "line:delimiter=0x0d0a00",
    "length-prefix:width=8:offset=3:adjust=-2:strip=0:max=100", "length-prefix:width=3:strip=5",
    "zlib:format=raw:level=9:window=9:memory=1:max-ratio=50,line",
  ])
  func namesPrintBackAsTheyWereGiven(name: String) throws {
    let stack = try CodecStack(parsing: name)
    #expect(stack.description == name)
    #expect(try CodecStack(parsing: stack.description) == stack)
  }

  @Test func everyKeyReachesItsSetting() throws {
    let line = try CodecStack(parsing: "line:delimiter=0x7C:max=12")
    #expect(line.layers == [.line(LineCodec(delimiter: [0x7C], stripsCarriageReturn: false, maxLength: 12))])
    #expect(line.description == "line:delimiter=0x7c:max=12")

    let framed = try CodecStack(
      parsing: "length-prefix:width=1:endian=little:offset=2:adjust=-1:strip=header:max=99")
    #expect(
      framed.layers == [
        .lengthPrefix(
          LengthFieldCodec(
            lengthFieldLength: 1, endianness: .little, lengthFieldOffset: 2, lengthAdjustment: -1,
            maxFrameLength: 99))
      ])
    #expect(
      try CodecStack(parsing: "length-prefix:strip=7").layers == [
        .lengthPrefix(LengthFieldCodec(initialBytesToStrip: 7))
      ])

    let zlib = try CodecStack(parsing: "zlib:format=raw:level=0:window=10:memory=9:max-ratio=3")
    var limit = DecompressionLimit()
    limit.maxRatio = 3
    #expect(
      zlib.layers == [
        .zlib(ZlibOptions(format: .deflate, level: 0, window: 10, memoryLevel: 9, limit: limit))
      ])
  }

  @Test func defaultsComeFromTheToolsOptionsUnlessAKeyIsGiven() throws {
    let framed = try CodecStack(parsing: "length-prefix", maxFrameLength: 10)
    #expect(framed.layers == [.lengthPrefix(LengthFieldCodec(maxFrameLength: 10))])
    let keyed = try CodecStack(parsing: "length-prefix:max=20", maxFrameLength: 10)
    #expect(keyed.layers == [.lengthPrefix(LengthFieldCodec(maxFrameLength: 20))])
    let line = try CodecStack(parsing: "line", maxLineLength: 5)
    #expect(line.layers == [.line(LineCodec(maxLength: 5))])
    let zlib = try CodecStack(parsing: "zlib:level=2", zlib: ZlibOptions(format: .gzip))
    #expect(zlib.layers == [.zlib(ZlibOptions(format: .gzip, level: 2))])
  }

  @Test func namesWithoutKeysMeanWhatTheyAlwaysMeant() throws {
    #expect(try CodecStack(parsing: "line").layers == [.line(LineCodec())])
    #expect(LineCodec().delimiter == [0x0A] && LineCodec().stripsCarriageReturn)
    #expect(try CodecStack(parsing: "length-prefix").layers == [.lengthPrefix(LengthFieldCodec())])
    #expect(try CodecStack(parsing: "zlib").layers == [.zlib(ZlibOptions())])
    #expect(try CodecStack(parsing: "raw") == CodecStack(layers: []))
  }

  @Test func spacesAroundSeparatorsAreAllowed() throws {
    let stack = try CodecStack(parsing: " tls , zlib : level = 1 , line ")
    #expect(stack == CodecStack(layers: [.zlib(ZlibOptions(level: 1)), .line(LineCodec())], usesTLS: true))
  }

  @Test func errorsNameTheOffendingPart() {
    let cases: [(String, String)] = [
      (
        "length-prefix:widht=2",
        "unknown key 'widht' in layer 'length-prefix' (keys: width, endian, offset, adjust, strip, max)"
      ),
      ("line:size=2", "unknown key 'size' in layer 'line' (keys: delimiter, max)"),
      (
        "zlib:strategy=1",
        "unknown key 'strategy' in layer 'zlib' (keys: format, level, window, memory, max-ratio)"
      ),
      ("tls:verify=no,line", "unknown key 'verify' in layer 'tls' (it takes no keys)"),
      ("gzip", "unknown layer 'gzip' in 'gzip' (layers: tls, zlib, line, length-prefix)"),
      ("line,tls", "layer 'tls' must be the lowest (first) layer in 'line,tls'"),
      ("length-prefix:width", "'width' in layer 'length-prefix' is not KEY=VALUE"),
      ("line:max=1:max=2", "key 'max' is given more than once in layer 'line'"),
      (
        "length-prefix:width=5",
        "bad value '5' for key 'width' in layer 'length-prefix' (expected 1, 2, 3, 4 or 8)"
      ),
      (
        "zlib,length-prefix,line",
        "layer 'line' cannot be above 'length-prefix' in 'zlib,length-prefix,line' "
          + "(from the wire upward: tls, zlib, then one of line or length-prefix)"
      ),
      ("zlib,zlib", "layer 'zlib' is named more than once in 'zlib,zlib'"),
      ("raw,line", "'raw' means no layer and stands alone, but 'raw,line' names other layers with it"),
      ("line,", "layer 2 of 'line,' is empty"),
      (
        "",
        "no codec stack named; name layers from the wire upward (layers: tls, zlib, line, length-prefix) or raw"
      ),
    ]
    for (name, description) in cases {
      let error = #expect(throws: InvalidCodecStack.self) { try CodecStack(parsing: name) }
      #expect(error?.description == description, "\(name)")
    }
  }

  @Test func everyErrorKindIsTyped() {
    let cases: [(String, InvalidCodecStack.Reason)] = [
      ("", .empty),
      ("zlib, ,line", .emptyLayer(position: 2)),
      ("lines", .unknownLayer("lines")),
      ("raw:x=1", .rawNotAlone),
      ("line,raw", .rawNotAlone),
      ("line:max", .missingValue(layer: "line", part: "max")),
      ("line:max=1:max=1", .repeatedKey(layer: "line", key: "max")),
      ("tls:x=1", .unknownKey(layer: "tls", key: "x", keys: [])),
      ("tls,tls", .repeatedLayer("tls")),
      ("zlib,tls", .tlsNotLowest),
      ("line,zlib", .misplacedLayer(layer: "zlib", below: "line")),
      ("line,length-prefix", .misplacedLayer(layer: "length-prefix", below: "line")),
    ]
    for (name, reason) in cases {
      let error = #expect(throws: InvalidCodecStack.self) { try CodecStack(parsing: name) }
      #expect(error?.reason == reason, "\(name)")
      #expect(error?.name == name)
    }
  }

  @Test(arguments: [
    ("line:delimiter=cr", "delimiter"), ("line:delimiter=0x", "delimiter"),
    ("line:delimiter=0x1", "delimiter"),
    ("line:delimiter=0xzz", "delimiter"), ("line:delimiter=", "delimiter"), ("line:max=-1", "max"),
    ("line:max=1k", "max"), ("line:max=99999999999999999999999", "max"),
    ("length-prefix:width=x", "width"), ("length-prefix:width=0", "width"),
    ("length-prefix:endian=middle", "endian"),
    ("length-prefix:offset=-1", "offset"), ("length-prefix:adjust=two", "adjust"),
    ("length-prefix:adjust=-", "adjust"),
    ("length-prefix:strip=-1", "strip"), ("length-prefix:strip=heder", "strip"),
    ("length-prefix:max=", "max"),
    ("zlib:format=deflate", "format"), ("zlib:level=10", "level"), ("zlib:level=-1", "level"),
    ("zlib:window=8", "window"), ("zlib:window=16", "window"), ("zlib:memory=0", "memory"),
    ("zlib:memory=10", "memory"), ("zlib:max-ratio=0", "max-ratio"), ("zlib:level=1.5", "level"),
  ])
  func badValuesNameTheirKey(name: String, key: String) {
    let error = #expect(throws: InvalidCodecStack.self) { try CodecStack(parsing: name) }
    guard case .invalidValue(let layer, let badKey, let value, _) = error?.reason else {
      Issue.record("\(name): \(String(describing: error))")
      return
    }
    #expect(name.hasPrefix(layer))
    #expect(badKey == key)
    #expect(name.hasSuffix("=" + value))
  }

  @Test func stacksBuiltInCodeNameThemselvesInTheGrammar() throws {
    let stacks = [
      CodecStack(layers: [.line(LineCodec(delimiter: [0x0A], stripsCarriageReturn: false))]),
      CodecStack(layers: [
        .line(LineCodec(delimiter: [0x00, 0xFF], stripsCarriageReturn: false, maxLength: 0))
      ]),
      CodecStack(
        layers: [
          .zlib(ZlibOptions(format: .gzip, window: 11)),
          .lengthPrefix(LengthFieldCodec(lengthFieldLength: 2, lengthAdjustment: 2, initialBytesToStrip: 1)),
        ], usesTLS: true),
    ]
    for stack in stacks {
      #expect(try CodecStack(parsing: stack.description) == stack, "\(stack)")
    }
    #expect(stacks[0].description == "line:delimiter=0x0a")
  }
}
