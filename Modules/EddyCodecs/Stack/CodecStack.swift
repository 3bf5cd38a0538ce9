import EddyProtocols

/// A stack of codec layers, named from the wire upward, that wraps an application protocol so
/// the same stack can serve any transport: `protocolFactory: { stack.wrap(MyApp()) }`.
///
/// The names are those of the command-line tools (``init(parsing:maxFrameLength:maxLineLength:zlib:)``):
/// layers from the wire upward, each with its settings, such as `zlib:level=1,line`; `raw` is no
/// layer. A `tls` layer is only marked (``usesTLS``): TLS lives in EddyTLS, so whoever builds the
/// connection puts a TLS layer under the layers ``wrap(_:)`` builds.
public struct CodecStack: Sendable, Equatable, CustomStringConvertible {
  /// One layer of a stack.
  public enum Layer: Sendable, Equatable, CustomStringConvertible {
    /// Delimited lines.
    case line(LineCodec)
    /// Length-prefixed frames.
    case lengthPrefix(LengthFieldCodec)
    /// One compressed stream in each direction, sync-flushed after every write.
    case zlib(ZlibOptions)
    /// Any other layer: a codec of your own, TLS, a layer of your own.
    case custom(CustomLayer)

    /// The layer in a stack name: its name, then each setting that differs from the default as
    /// `:KEY=VALUE`, such as `length-prefix:width=2`.
    public var description: String {
      ([name] + keyParts).joined(separator: ":")
    }

    /// The layer's name alone: `line`, `length-prefix`, `zlib`, or a custom layer's name.
    public var name: String {
      switch self {
      case .line: "line"
      case .lengthPrefix: "length-prefix"
      case .zlib: "zlib"
      case .custom(let layer): layer.name
      }
    }

    /// True when the layer cuts the stream into frames (`line`, `length-prefix`, and custom
    /// layers that say so).
    public var frames: Bool {
      switch self {
      case .line, .lengthPrefix: true
      case .zlib: false
      case .custom(let layer): layer.frames
      }
    }

    /// Builds this layer over `upper` and returns it.
    func makeLayer(above upper: any StreamProtocol) -> any StreamProtocol {
      switch self {
      case .line(let codec):
        CodecLayer(codec: codec, upper: upper)
      case .lengthPrefix(let codec):
        CodecLayer(codec: codec, upper: upper)
      case .zlib(let options):
        CodecLayer(
          decoder: ZlibDecoder(options: options), encoder: ZlibEncoder(options: options), upper: upper)
      case .custom(let layer):
        layer.makeLayer(above: upper)
      }
    }
  }

  /// The stack names without settings and without TLS, each layer at its defaults.
  public static let validNames = ["raw", "line", "length-prefix", "zlib", "zlib,line", "zlib,length-prefix"]

  /// The codec layers, from the wire upward; empty for `raw` (and for `tls` alone).
  public let layers: [Layer]
  /// True when the stack names `tls` as its lowest layer: the connection is to run TLS under
  /// ``layers``. The stack does not build that layer: whoever has the TLS settings puts one in
  /// with `replacingTLS(…)` (EddyTLS), as the tools do from their `--tls…` options.
  public let usesTLS: Bool

  /// A stack whose TLS mark is replaced by `layer`, put lowest; unchanged when not ``usesTLS``.
  public func replacingTLSMark(with layer: CustomLayer) -> CodecStack {
    guard usesTLS else { return self }
    return CodecStack(layers: [.custom(layer)] + layers)
  }

  /// Creates a stack of the given layers, from the wire upward, over TLS when `usesTLS`.
  public init(layers: [Layer], usesTLS: Bool = false) {
    self.layers = layers
    self.usesTLS = usesTLS
  }

  /// The stack's name, which parses back to the same stack: `tls` first when ``usesTLS``, then
  /// each layer with its settings, from the wire upward; `raw` when there is no layer at all.
  public var description: String {
    let names = (usesTLS ? ["tls"] : []) + layers.map(\.description)
    return names.isEmpty ? "raw" : names.joined(separator: ",")
  }

  /// Builds the stack's codec layers over `top` and returns the bottom-most protocol, the one to
  /// give a transport (or the TLS layer, when ``usesTLS``); with no codec layer it returns `top`
  /// itself. Each call builds fresh layers.
  public func wrap(_ top: any StreamProtocol) -> any StreamProtocol {
    layers.reversed().reduce(top) { upper, layer in layer.makeLayer(above: upper) }
  }
}
