import EddyProtocols
import EddyReactor
import EddyTLS

/// One protocol callback, as seen by a test.
enum Event: Sendable, Equatable {
  case made
  case data(Int)
  case eof
  /// `connectionLost`, with the TLS error it carried (nil for a clean end or another error).
  case lost(TLSError?)
  case pause
  case resume
}

/// What a ``Probe`` saw, readable from the test's thread while the loop runs.
final class ProbeLog: Sendable {
  private let state = Locked<(events: [Event], bytes: [UInt8], byteCount: Int, lostError: String?)>(
    ([], [], 0, nil))

  func record(_ event: Event) { state.withLock { $0.events.append(event) } }

  func record(_ data: ByteBuffer, keepBytes: Bool) {
    state.withLock {
      $0.events.append(.data(data.readableBytes))
      if keepBytes { $0.bytes.append(contentsOf: data.bytes) }
      $0.byteCount += data.readableBytes
    }
  }

  func recordLost(_ error: (any Error)?) {
    state.withLock {
      $0.events.append(.lost(error as? TLSError))
      $0.lostError = error.map { "\($0)" }
    }
  }

  var events: [Event] { state.withLock { $0.events } }
  var bytes: [UInt8] { state.withLock { $0.bytes } }
  var byteCount: Int { state.withLock { $0.byteCount } }
  /// The description of the error `connectionLost` carried, if any.
  var lostError: String? { state.withLock { $0.lostError } }
  var isLost: Bool { events.contains { if case .lost = $0 { true } else { false } } }

  /// The callbacks without the data events, which arrive in arbitrary chunks.
  var lifecycle: [Event] {
    events.filter { if case .data = $0 { false } else { true } }
  }
}

/// A stream protocol that records every callback and runs optional hooks, so a test can act
/// from inside any callback.
final class Probe: StreamProtocol {
  let log: ProbeLog
  let keepBytes: Bool
  var transport: (any StreamTransport)?
  var onMade: ((Probe) -> Void)?
  var onData: ((Probe, ByteBuffer) -> Void)?
  var onEOF: ((Probe) -> Bool)?
  var onPause: ((Probe) -> Void)?
  var onResume: ((Probe) -> Void)?

  init(log: ProbeLog, keepBytes: Bool = true) {
    self.log = log
    self.keepBytes = keepBytes
  }

  /// The transport as the TLS layer it is, kept after the connection ends.
  private(set) var layer: TLSLayer?

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    self.layer = transport as? TLSLayer
    log.record(.made)
    onMade?(self)
  }

  func dataReceived(_ data: ByteBuffer) {
    precondition(!data.isEmpty, "dataReceived got empty bytes")
    log.record(data, keepBytes: keepBytes)
    onData?(self, data)
  }

  func eofReceived() -> Bool {
    log.record(.eof)
    return onEOF?(self) ?? false
  }

  func connectionLost(_ error: (any Error)?) {
    log.recordLost(error)
    transport = nil
  }

  func pauseWriting() {
    log.record(.pause)
    onPause?(self)
  }

  func resumeWriting() {
    log.record(.resume)
    onResume?(self)
  }
}

/// A protocol that writes back what it receives.
final class Echo: StreamProtocol {
  var transport: (any StreamTransport)?
  func connectionMade(_ transport: any StreamTransport) { self.transport = transport }
  func dataReceived(_ data: ByteBuffer) { transport?.write(data) }
}
