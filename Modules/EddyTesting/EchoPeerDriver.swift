import EddyProtocols

/// What ``LayerConformance/checkOverEchoPeer(_:messages:completion:)`` needs from a real transport whose
/// far end echoes what it receives: a child process running `cat`, an echo server over a
/// socket. The checks run on the loop the connections live on; every method is called there.
///
/// ```swift
/// struct CatDriver: EchoPeerDriver {
///   let loop: EventLoop
///   func connect(_ upper: any StreamProtocol) {
///     _ = try? loop.subprocessExec(argv: ["/bin/cat"]) { SubprocessStdioStream(upper: upper) }
///   }
///   // after(_:_:) with loop.callLater, holdPeerReading(_:) with SIGSTOP and SIGCONT
/// }
/// ```
public protocol EchoPeerDriver {
  /// Opens a fresh connection to an echoing peer, with `upper` above the transport (or the
  /// layers) under test. `upper` gets `connectionMade` when it is up.
  func connect(_ upper: any StreamProtocol)

  /// Runs `work` on the loop after `delay`.
  func after(_ delay: Duration, _ work: @escaping () -> Void)

  /// Makes the peer of the most recent connection stop reading (`true`) or read again
  /// (`false`), so that the transport's write buffer fills and drains.
  func holdPeerReading(_ held: Bool)
}
