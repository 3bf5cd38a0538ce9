extension CodecStack {
  /// Parses a stack name: `LAYER ("," LAYER)*` from the wire upward, each `LAYER` a name and its
  /// settings, `NAME (":" KEY "=" VALUE)*`, such as `zlib:format=gzip:level=1,line` or
  /// `length-prefix:width=2:endian=little`. `raw` alone means no layer. Spaces around the
  /// separators are allowed.
  ///
  /// The layers are `tls` (no keys; only the lowest, and only a marker: see ``usesTLS``), `zlib`,
  /// then one of `line` or `length-prefix`, each named at most once. A name without keys means
  /// the layer's defaults; the keys are listed on each layer's parser (`line`: `delimiter`,
  /// `max`; `length-prefix`: `width`, `endian`, `offset`, `adjust`, `strip`, `max`; `zlib`:
  /// `format`, `level`, `window`, `memory`, `max-ratio`).
  ///
  /// - Parameters:
  ///   - name: The stack name.
  ///   - maxFrameLength: The default `max` of a `length-prefix` layer: its longest payload.
  ///   - maxLineLength: The default `max` of a `line` layer: its longest line, delimiter not counted.
  ///   - zlib: The options of a `zlib` layer before its keys apply.
  /// - Throws: ``InvalidCodecStack`` naming the part at fault.
  public init(
    parsing name: String,
    maxFrameLength: Int = LengthFieldCodec.defaultMaxFrameLength,
    maxLineLength: Int = LineCodec.defaultMaxLength,
    zlib: ZlibOptions = ZlibOptions()
  ) throws(InvalidCodecStack) {
    let parts = name.split(separator: ",", omittingEmptySubsequences: false).map(LayerParameters.trimmed)
    if parts == [""] { throw InvalidCodecStack(name: name, reason: .empty) }
    if parts == ["raw"] {
      self.init(layers: [])
      return
    }
    var layers: [Layer] = []
    var usesTLS = false
    var below: (name: String, rank: Int)?
    for (index, part) in parts.enumerated() {
      guard !part.isEmpty else {
        throw InvalidCodecStack(name: name, reason: .emptyLayer(position: index + 1))
      }
      let pieces = part.split(separator: ":", omittingEmptySubsequences: false).map(LayerParameters.trimmed)
      let layerName = pieces[0]
      guard let rank = Self.rank(of: layerName) else {
        throw InvalidCodecStack(
          name: name, reason: layerName == "raw" ? .rawNotAlone : .unknownLayer(layerName))
      }
      if parts[..<index].contains(where: { Self.layerName(of: $0) == layerName }) {
        throw InvalidCodecStack(name: name, reason: .repeatedLayer(layerName))
      }
      if layerName == "tls" && index > 0 { throw InvalidCodecStack(name: name, reason: .tlsNotLowest) }
      if let below, rank <= below.rank {
        throw InvalidCodecStack(name: name, reason: .misplacedLayer(layer: layerName, below: below.name))
      }
      below = (layerName, rank)
      let settings = Array(pieces.dropFirst())
      switch layerName {
      case "tls":
        _ = try LayerParameters(layer: layerName, parts: settings, keys: [], stack: name)
        usesTLS = true
      case "zlib":
        let keys = try LayerParameters(layer: layerName, parts: settings, keys: Layer.zlibKeys, stack: name)
        layers.append(try .zlib(keys, base: zlib))
      case "line":
        let keys = try LayerParameters(layer: layerName, parts: settings, keys: Layer.lineKeys, stack: name)
        layers.append(try .line(keys, maxLength: maxLineLength))
      default:
        let keys = try LayerParameters(
          layer: layerName, parts: settings, keys: Layer.lengthPrefixKeys, stack: name)
        layers.append(try .lengthPrefix(keys, maxFrameLength: maxFrameLength))
      }
    }
    self.init(layers: layers, usesTLS: usesTLS)
  }

  /// Where a layer stacks, from the wire upward (framing layers share the top), or nil for a name
  /// that is not a layer.
  private static func rank(of layer: String) -> Int? {
    switch layer {
    case "tls": 0
    case "zlib": 1
    case "line", "length-prefix": 2
    default: nil
    }
  }

  private static func layerName(of part: String) -> String {
    LayerParameters.trimmed(part.prefix { $0 != ":" })
  }
}
