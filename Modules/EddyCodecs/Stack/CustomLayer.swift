import EddyProtocols

/// A layer of a ``CodecStack`` other than the named codecs: a codec of your own, TLS
/// (`CodecStack.Layer.tls(…)` in EddyTLS), or any layer that is a stream protocol to the
/// transport below and a stream transport to the protocol above. The stack builds a fresh one
/// for every connection with `make`.
public struct CustomLayer: Sendable, Equatable, CustomStringConvertible {
  /// How the layer is named in the stack's description.
  public let name: String
  /// Whether the layer cuts the stream into frames, as `line` and `length-prefix` do.
  public let frames: Bool
  private let factory: Factory

  /// Boxes the closure, so that two layers are equal when they are the same layer value.
  private final class Factory: Sendable {
    let make: @Sendable (any StreamProtocol) -> any StreamProtocol
    init(_ make: @escaping @Sendable (any StreamProtocol) -> any StreamProtocol) { self.make = make }
  }

  /// A layer named `name` that `make` builds over the protocol above it, returning the protocol
  /// the transport below is to be given.
  public init(
    name: String, frames: Bool = false,
    make: @escaping @Sendable (_ above: any StreamProtocol) -> any StreamProtocol
  ) {
    self.name = name
    self.frames = frames
    self.factory = Factory(make)
  }

  /// A layer of your own codecs: `makeCodecs` gives each connection a fresh decoder and
  /// encoder of byte frames, run by a ``CodecLayer`` (so the protocol above gets
  /// `messageReceived` or `dataReceived` for each frame, and its writes are encoded).
  public static func codec<
    Decoder: FrameDecoder & SendableMetatype, Encoder: FrameEncoder & SendableMetatype
  >(
    name: String, _ makeCodecs: @escaping @Sendable () -> (Decoder, Encoder)
  ) -> CustomLayer {
    CustomLayer(name: name, frames: true) { above in
      let (decoder, encoder) = makeCodecs()
      return CodecLayer(decoder: decoder, encoder: encoder, upper: above)
    }
  }

  /// Builds the layer over `above`.
  func makeLayer(above: any StreamProtocol) -> any StreamProtocol { factory.make(above) }

  /// The layer's name.
  public var description: String { name }

  /// Equal when both are the same layer value (or copies of it).
  public static func == (lhs: CustomLayer, rhs: CustomLayer) -> Bool {
    lhs.name == rhs.name && lhs.factory === rhs.factory
  }
}
