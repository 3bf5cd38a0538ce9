import EddyProtocols

/// The keys of each layer in a stack name, read into codecs and written back from them.
///
/// | layer | keys (default) |
/// |---|---|
/// | `line` | `delimiter=lf\|crlf\|nul\|0xHH…` (`lf`, which also strips a `\r` before the `\n`), `max=BYTES` (64 KiB) |
/// | `length-prefix` | `width=1\|2\|3\|4\|8` (4), `endian=big\|little` (big), `offset=N` (0), `adjust=N` (0), `strip=N\|header` (header), `max=BYTES` (16 MiB) |
/// | `zlib` | `format=zlib\|gzip\|raw` (zlib), `level=0..9` (zlib's default), `window=9..15` (15), `memory=1..9` (8), `max-ratio=N` (1024) |
extension CodecStack.Layer {
  /// The keys of `line`.
  static let lineKeys = ["delimiter", "max"]
  /// The keys of `length-prefix`.
  static let lengthPrefixKeys = ["width", "endian", "offset", "adjust", "strip", "max"]
  /// The keys of `zlib`.
  static let zlibKeys = ["format", "level", "window", "memory", "max-ratio"]

  /// A `line` layer from its keys; `maxLength` is the default of `max`.
  static func line(_ keys: LayerParameters, maxLength: Int) throws(InvalidCodecStack) -> Self {
    let delimiter =
      try keys.value("delimiter", expected: "lf, crlf, nul or 0x followed by pairs of hex digits") {
        text -> (bytes: [UInt8], stripsCarriageReturn: Bool)? in
        switch text {
        case "lf": ([0x0A], true)
        case "crlf": ([0x0D, 0x0A], false)
        case "nul": ([0x00], false)
        default: LayerParameters.hexBytes(text).map { ($0, false) }
        }
      } ?? ([0x0A], true)
    let max = try keys.integer("max", in: 0...Int.max, expected: "a byte count") ?? maxLength
    return .line(
      LineCodec(
        delimiter: delimiter.bytes, stripsCarriageReturn: delimiter.stripsCarriageReturn, maxLength: max))
  }

  /// A `length-prefix` layer from its keys; `maxFrameLength` is the default of `max`.
  static func lengthPrefix(_ keys: LayerParameters, maxFrameLength: Int) throws(InvalidCodecStack) -> Self {
    let width =
      try keys.value("width", expected: "1, 2, 3, 4 or 8") { text in
        LayerParameters.decimal(text).flatMap {
          LengthFieldCodec.supportedFieldLengths.contains($0) ? $0 : nil
        }
      } ?? 4
    let endianness =
      try keys.value("endian", expected: "big or little") { text -> Endianness? in
        switch text {
        case "big": .big
        case "little": .little
        default: nil
        }
      } ?? .big
    let offset = try keys.integer("offset", in: 0...Int(Int32.max), expected: "a byte count") ?? 0
    let adjust =
      try keys.integer("adjust", in: Int(Int32.min)...Int(Int32.max), expected: "an integer, maybe negative")
      ?? 0
    let strip = try keys.value("strip", expected: "a byte count or header") { text -> Int?? in
      if text == "header" { return .some(nil) }
      return LayerParameters.decimal(text).flatMap { (0...Int(Int32.max)).contains($0) ? .some($0) : nil }
    }
    let max = try keys.integer("max", in: 0...Int.max, expected: "a byte count") ?? maxFrameLength
    return .lengthPrefix(
      LengthFieldCodec(
        lengthFieldLength: width, endianness: endianness, lengthFieldOffset: offset, lengthAdjustment: adjust,
        initialBytesToStrip: strip ?? nil, maxFrameLength: max))
  }

  /// A `zlib` layer from its keys, over the options `base` (which give every default).
  static func zlib(_ keys: LayerParameters, base: ZlibOptions) throws(InvalidCodecStack) -> Self {
    var options = base
    options.format =
      try keys.value("format", expected: "zlib, gzip or raw") { text -> ZlibFormat? in
        switch text {
        case "zlib": .zlib
        case "gzip": .gzip
        case "raw": .deflate
        default: nil
        }
      } ?? base.format
    if let level = try keys.integer("level", in: 0...9, expected: "0 to 9") { options.level = Int32(level) }
    let windows = ZlibOptions.windowRange
    if let window = try keys.integer(
      "window", in: Int(windows.lowerBound)...Int(windows.upperBound), expected: "9 to 15")
    {
      options.window = Int32(window)
    }
    let memoryLevels = ZlibOptions.memoryLevelRange
    if let memory = try keys.integer(
      "memory", in: Int(memoryLevels.lowerBound)...Int(memoryLevels.upperBound), expected: "1 to 9")
    {
      options.memoryLevel = Int32(memory)
    }
    if let ratio = try keys.integer("max-ratio", in: 1...Int.max, expected: "a positive integer") {
      options.limit.maxRatio = ratio
    }
    return .zlib(options)
  }

  /// The `KEY=VALUE` parts that name this layer's settings where they differ from the defaults.
  ///
  /// Settings no key reaches (a line delimiter other than `\n` that also strips `\r`, the zlib
  /// output chunk size and the other decompression limits) are not named.
  var keyParts: [String] {
    switch self {
    case .line(let codec): Self.keyParts(codec)
    case .lengthPrefix(let codec): Self.keyParts(codec)
    case .zlib(let options): Self.keyParts(options)
    case .custom: []
    }
  }

  private static func keyParts(_ codec: LineCodec) -> [String] {
    var parts: [String] = []
    switch (codec.delimiter, codec.stripsCarriageReturn) {
    case ([0x0A], true): break
    case ([0x0D, 0x0A], false): parts.append("delimiter=crlf")
    case ([0x00], false): parts.append("delimiter=nul")
    default: parts.append("delimiter=0x" + codec.delimiter.map(hex).joined())
    }
    if codec.maxLength != LineCodec.defaultMaxLength { parts.append("max=\(codec.maxLength)") }
    return parts
  }

  private static func keyParts(_ codec: LengthFieldCodec) -> [String] {
    var parts: [String] = []
    if codec.lengthFieldLength != 4 { parts.append("width=\(codec.lengthFieldLength)") }
    if codec.endianness == .little { parts.append("endian=little") }
    if codec.lengthFieldOffset != 0 { parts.append("offset=\(codec.lengthFieldOffset)") }
    if codec.lengthAdjustment != 0 { parts.append("adjust=\(codec.lengthAdjustment)") }
    if codec.initialBytesToStrip != codec.headerLength { parts.append("strip=\(codec.initialBytesToStrip)") }
    if codec.maxFrameLength != LengthFieldCodec.defaultMaxFrameLength {
      parts.append("max=\(codec.maxFrameLength)")
    }
    return parts
  }

  private static func keyParts(_ options: ZlibOptions) -> [String] {
    var parts: [String] = []
    switch options.format {
    case .zlib: break
    case .gzip: parts.append("format=gzip")
    case .deflate: parts.append("format=raw")
    }
    if options.level != ZlibOptions.defaultLevel { parts.append("level=\(options.level)") }
    if options.window != ZlibOptions.defaultWindow { parts.append("window=\(options.window)") }
    if options.memoryLevel != ZlibOptions.defaultMemoryLevel { parts.append("memory=\(options.memoryLevel)") }
    if options.limit.maxRatio != DecompressionLimit.defaultMaxRatio {
      parts.append("max-ratio=\(options.limit.maxRatio)")
    }
    return parts
  }

  private static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
  }
}
