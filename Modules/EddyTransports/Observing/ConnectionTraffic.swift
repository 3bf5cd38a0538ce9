/// The traffic of the connections one observer watches on one event loop, counted as it
/// happens in plain integers that only grow: the loop's transports add to them on every read,
/// write and pause, and the observer reads them on the loop's thread when it reports (EddyMetrics'
/// `ConnectionMetrics` does every report interval and whenever a connection ends), so that no
/// read or write calls into a metrics backend.
///
/// Bound to its loop's thread, as the transports that count into it are. Its counters skip
/// Swift's dynamic exclusivity checks: they change on the hot path, never across a callback.
public final class ConnectionTraffic {
  /// Bytes read from the connections' sockets.
  @exclusivity(unchecked) public internal(set) var bytesReceived = 0
  /// Bytes the kernel took from the connections' writes and files.
  @exclusivity(unchecked) public internal(set) var bytesSent = 0
  /// How many times a connection's writing was paused: its write buffer went over the
  /// high-water mark and its protocol was told `pauseWriting`.
  @exclusivity(unchecked) public internal(set) var writesPaused = 0

  /// Counts that start at zero; an observer makes one per loop.
  public init() {}
}
