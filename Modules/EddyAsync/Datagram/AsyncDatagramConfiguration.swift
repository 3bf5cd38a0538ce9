/// How an ``AsyncDatagramEndpoint`` buffers in both directions.
public struct AsyncDatagramConfiguration: Sendable {
  /// The bound on received datagrams waiting for the consumer. A datagram socket cannot make its
  /// peers slow down, so datagrams arriving while the buffer is at the high mark are dropped
  /// (and counted), as the kernel drops them when its own buffer is full.
  public var inboundLimits: InboundBufferLimits

  /// How many bytes of datagrams may wait to be handed to the transport before a sender
  /// suspends.
  public var stagingLimit: Int

  /// Creates a configuration; by default 1,024 datagrams inbound and a 64 KiB staging limit.
  public init(
    inboundLimits: InboundBufferLimits = .elements(high: 1_024, low: 512),
    stagingLimit: Int = AsyncConnectionConfiguration.defaultStagingLimit
  ) {
    precondition(stagingLimit >= 0, "the staging limit cannot be negative")
    self.inboundLimits = inboundLimits
    self.stagingLimit = stagingLimit
  }
}
