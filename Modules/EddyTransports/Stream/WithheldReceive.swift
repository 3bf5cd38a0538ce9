import EddyProtocols

/// What the kernel received for a socket while its reading was paused or held: on a loop that
/// completes receives (io_uring), chunks the kernel finished before it learned of the pause still
/// arrive. Kept apart from the transport, which makes one only when that happens, and delivered in
/// order once reading resumes.
final class WithheldReceive {
  /// The bytes, in the order received.
  var bytes = ByteBuffer()
  /// The end of the stream (0) or the failure the receive ended with, behind the bytes.
  var end: Int32?
  /// Delivery is scheduled for the loop's next turn.
  var releaseScheduled = false
}
