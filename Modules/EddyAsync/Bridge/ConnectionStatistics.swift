/// Counters describing how an ``AsyncConnection``'s buffers behaved, for diagnostics and tests.
package struct ConnectionStatistics: Sendable, Equatable {
  /// The most readable bytes the inbound buffer ever held.
  package var peakInboundBytes = 0
  /// The most elements the inbound buffer ever held.
  package var peakInboundElements = 0
  /// How often reading from the transport was paused.
  package var readPauses = 0
  /// How often paused reading was resumed.
  package var readResumes = 0
  /// How often a writer suspended.
  package var writerSuspensions = 0
  /// The most written bytes that ever waited to be handed to the transport.
  package var peakStagedBytes = 0
  /// The largest transport write buffer seen after handing it a batch.
  package var peakTransportBuffer = 0
  /// How often the transport paused the writers.
  package var writePauses = 0
  /// How many received elements were dropped because the buffer was full and the transport
  /// cannot pause reading (datagrams).
  package var droppedElements = 0
}
