/// Client behaviours that put a server under conditions plain load does not.
public enum LoadScenario: String, Sendable, CaseIterable {
  /// Clients read only in short bursts (``LoadConfiguration/slowReaderCycle``), so the server's
  /// write buffers fill and its flow control must hold them.
  case slowReader = "slow-reader"
  /// Each client half-closes (writes EOF) once it has sent its last message and keeps counting
  /// replies until the server closes.
  case halfClose = "half-close"
}
