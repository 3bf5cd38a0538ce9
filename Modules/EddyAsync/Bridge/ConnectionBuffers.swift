import EddyReactor

/// The state an ``AsyncConnection`` shares between its loop and the tasks using it: the inbound
/// and outbound queues, each behind a lock of its own so a reader and a writer never contend.
final class ConnectionBuffers: Sendable {
  let inbound: Locked<InboundQueue>
  let outbound: Locked<OutboundQueue>

  init(_ configuration: AsyncConnectionConfiguration) {
    inbound = Locked(InboundQueue(limits: configuration.inboundLimits))
    outbound = Locked(OutboundQueue(stagingLimit: configuration.stagingLimit))
  }

  /// Both queues' counters.
  var statistics: ConnectionStatistics {
    let inboundStatistics = inbound.withLock { $0.statistics }
    var combined = outbound.withLock { $0.statistics }
    combined.peakInboundBytes = inboundStatistics.peakInboundBytes
    combined.peakInboundElements = inboundStatistics.peakInboundElements
    combined.readPauses = inboundStatistics.readPauses
    combined.readResumes = inboundStatistics.readResumes
    return combined
  }
}
