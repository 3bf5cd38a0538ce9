import EddyProtocols

/// A stack of codec layers, named from the wire upward, that wraps an application protocol so
/// the same stack can serve any transport: `protocolFactory: { stack.wrap(MyApp()) }`.
///
/// The names are those of the command-line tools: `raw` (no layer), `line`, `length-prefix`,
/// `zlib`, `zlib,line` and `zlib,length-prefix`.
public struct CodecStack: Sendable, Equatable, CustomStringConvertible {
  /// One layer of a stack.
  public enum Layer: Sendable, Equatable, CustomStringConvertible {
    /// Delimited lines.
    case line(LineCodec)
    /// Length-prefixed frames.
    case lengthPrefix(LengthFieldCodec)
    /// One compressed stream in each direction, sync-flushed after every write.
    case zlib(ZlibOptions)

    /// The layer's name in a stack name.
    public var description: String {
      switch self {
      case .line: "line"
      case .lengthPrefix: "length-prefix"
      case .zlib: "zlib"
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
      }
    }
  }

  /// The stack names the command-line tools accept.
  public static let validNames = ["raw", "line", "length-prefix", "zlib", "zlib,line", "zlib,length-prefix"]

  /// The layers, from the wire upward; empty for `raw`.
  public let layers: [Layer]

  /// Creates a stack of the given layers, from the wire upward.
  public init(layers: [Layer]) {
    self.layers = layers
  }

  /// The stack's name: its layer names from the wire upward, or `raw`.
  public var description: String {
    layers.isEmpty ? "raw" : layers.map(\.description).joined(separator: ",")
  }

  /// Builds the stack's layers over `top` and returns the bottom-most protocol, the one to give
  /// a transport; `raw` returns `top` itself. Each call builds fresh layers.
  public func wrap(_ top: any StreamProtocol) -> any StreamProtocol {
    layers.reversed().reduce(top) { upper, layer in layer.makeLayer(above: upper) }
  }
}
