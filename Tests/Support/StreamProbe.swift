import EddyProtocols
import EddyReactor

/// One stream protocol callback, as seen by a test. `Loss` is what the test makes of the error a
/// connection ended with: an errno for the transports, a `TLSError` for the TLS layer.
package enum StreamProbeEvent<Loss: Sendable & Equatable>: Sendable, Equatable {
  /// `connectionMade`.
  case made
  /// `dataReceived`, with the number of bytes.
  case data(Int)
  /// `eofReceived`.
  case eof
  /// `connectionLost`: nil for a clean end (or an error the log makes nothing of).
  case lost(Loss?)
  /// `pauseWriting`.
  case pause
  /// `resumeWriting`.
  case resume
}

/// What a ``StreamProbe`` saw, readable from the test's thread while the loop runs.
package final class StreamProbeLog<Loss: Sendable & Equatable>: Sendable {
  private struct State {
    var events: [StreamProbeEvent<Loss>] = []
    var bytes: [UInt8] = []
    var byteCount = 0
    var lostError: String?
  }

  private let state = Locked(State())
  private let loss: @Sendable (any Error) -> Loss?
  /// Whether the probes keep the transport `connectionMade` gave them after the connection ends.
  package let keepsTransports: Bool

  /// An empty log whose probes record a lost connection's error as `loss` makes it, and keep
  /// their transport after the connection ends when `keepingTransports`.
  package init(keepingTransports: Bool = false, loss: @escaping @Sendable (any Error) -> Loss?) {
    self.keepsTransports = keepingTransports
    self.loss = loss
  }

  /// Records `event`.
  package func record(_ event: StreamProbeEvent<Loss>) { state.withLock { $0.events.append(event) } }

  /// Records the arrival of `data`, keeping its bytes when `keepBytes`.
  package func record(_ data: ByteBuffer, keepBytes: Bool = true) {
    state.withLock {
      $0.events.append(.data(data.readableBytes))
      if keepBytes { $0.bytes.append(contentsOf: data.bytes) }
      $0.byteCount += data.readableBytes
    }
  }

  /// Records the end of the connection, with the error it carried.
  package func recordLost(_ error: (any Error)?) {
    state.withLock {
      $0.events.append(.lost(error.flatMap(loss)))
      $0.lostError = error.map { "\($0)" }
    }
  }

  /// Every callback, in order.
  package var events: [StreamProbeEvent<Loss>] { state.withLock { $0.events } }
  /// The bytes received and kept.
  package var bytes: [UInt8] { state.withLock { $0.bytes } }
  /// The number of bytes received, without copying them.
  package var byteCount: Int { state.withLock { $0.byteCount } }
  /// The description of the error `connectionLost` carried, if any.
  package var lostError: String? { state.withLock { $0.lostError } }
  /// Whether `connectionLost` was called.
  package var isLost: Bool { events.contains { if case .lost = $0 { true } else { false } } }
  /// Every `connectionLost` seen: exactly one once a connection has ended.
  package var losses: [StreamProbeEvent<Loss>] {
    events.filter { if case .lost = $0 { true } else { false } }
  }

  /// The callbacks without the data events, which arrive in arbitrary chunks.
  package var lifecycle: [StreamProbeEvent<Loss>] {
    events.filter { if case .data = $0 { false } else { true } }
  }
}

/// A stream protocol that records every callback in its log and runs optional hooks, so a test
/// can act from inside any callback.
package final class StreamProbe<Loss: Sendable & Equatable>: StreamProtocol {
  /// Where the callbacks go.
  package let log: StreamProbeLog<Loss>
  /// Whether the log keeps the bytes received, or only counts them.
  package let keepBytes: Bool
  /// The connection, from `connectionMade` to `connectionLost`.
  package var transport: (any StreamTransport)?
  /// The transport `connectionMade` gave, kept after the connection ends when the log keeps
  /// transports.
  package private(set) var madeTransport: (any StreamTransport)?
  /// Runs after `connectionMade` is recorded.
  package var onMade: ((StreamProbe) -> Void)?
  /// Runs after each `dataReceived` is recorded.
  package var onData: ((StreamProbe, ByteBuffer) -> Void)?
  /// Runs after `eofReceived` is recorded, and answers it (false when unset).
  package var onEOF: ((StreamProbe) -> Bool)?
  /// Runs after `pauseWriting` is recorded.
  package var onPause: ((StreamProbe) -> Void)?
  /// Runs after `resumeWriting` is recorded.
  package var onResume: ((StreamProbe) -> Void)?

  /// A probe recording into `log`.
  package init(log: StreamProbeLog<Loss>, keepBytes: Bool = true) {
    self.log = log
    self.keepBytes = keepBytes
  }

  /// Records the connection and keeps `transport`.
  package func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    if log.keepsTransports { madeTransport = transport }
    log.record(.made)
    onMade?(self)
  }

  /// Records `data`, which must not be empty.
  package func dataReceived(_ data: ByteBuffer) {
    precondition(!data.isEmpty, "dataReceived got empty bytes")
    log.record(data, keepBytes: keepBytes)
    onData?(self, data)
  }

  /// Records the end of input.
  package func eofReceived() -> Bool {
    log.record(.eof)
    return onEOF?(self) ?? false
  }

  /// Records the end of the connection and lets the transport go.
  package func connectionLost(_ error: (any Error)?) {
    log.recordLost(error)
    transport = nil
  }

  /// Records the pause.
  package func pauseWriting() {
    log.record(.pause)
    onPause?(self)
  }

  /// Records the resumption.
  package func resumeWriting() {
    log.record(.resume)
    onResume?(self)
  }
}
