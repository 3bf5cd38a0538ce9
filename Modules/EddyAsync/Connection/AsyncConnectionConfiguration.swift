import EddyProtocols

/// How an ``AsyncConnection`` buffers in both directions and which protocol layers sit between it
/// and the transport.
public struct AsyncConnectionConfiguration: Sendable {
  /// The default staging limit for writes: 64 KiB.
  public static let defaultStagingLimit = 64 * 1024

  /// The bound on received data waiting for the consumer.
  public var inboundLimits: InboundBufferLimits

  /// How many written bytes may wait to be handed to the transport before a writer suspends.
  ///
  /// A write returns at once while the transport is not paused and the bytes waiting for the
  /// loop stay within this limit; otherwise it suspends until its bytes are in the transport.
  public var stagingLimit: Int

  /// Builds the layers (codecs, for example) between the transport and the connection: it is
  /// given the connection's own protocol and returns the protocol to hand the transport. With
  /// a codec stack, pass its `wrap` method; the connection's elements are then frames.
  public var layers: (@Sendable (any StreamProtocol) -> any StreamProtocol)?

  /// Creates a configuration; by default 256 KiB / 64 KiB inbound bytes, a 64 KiB staging
  /// limit and no layers (elements are raw chunks).
  public init(
    inboundLimits: InboundBufferLimits = .default,
    stagingLimit: Int = Self.defaultStagingLimit,
    layers: (@Sendable (any StreamProtocol) -> any StreamProtocol)? = nil
  ) {
    precondition(stagingLimit >= 0, "the staging limit cannot be negative")
    self.inboundLimits = inboundLimits
    self.stagingLimit = stagingLimit
    self.layers = layers
  }
}
