import EddyProtocols
import EddyReactor
import EddyTransports

/// One protocol callback, as seen by a test.
enum Event: Sendable, Equatable {
  case made
  case data(Int)
  case eof
  case lost(errno: Int32?)
  case pause
  case resume
}

/// What a ``Probe`` saw, readable from the test's thread while the loop runs.
final class ProbeLog: Sendable {
  private let state = Locked<(events: [Event], bytes: [UInt8], byteCount: Int)>(([], [], 0))

  func record(_ event: Event) { state.withLock { $0.events.append(event) } }

  func record(_ data: ByteBuffer) {
    state.withLock {
      $0.events.append(.data(data.readableBytes))
      $0.bytes.append(contentsOf: data.bytes)
      $0.byteCount += data.readableBytes
    }
  }

  var events: [Event] { state.withLock { $0.events } }
  var bytes: [UInt8] { state.withLock { $0.bytes } }
  /// The number of bytes received, without copying them.
  var byteCount: Int { state.withLock { $0.byteCount } }
  var isLost: Bool { events.contains { if case .lost = $0 { true } else { false } } }
  /// Every `connectionLost` seen: exactly one once a connection has ended.
  var losses: [Event] { events.filter { if case .lost = $0 { true } else { false } } }

  /// The callbacks without the data events, which arrive in arbitrary chunks.
  var lifecycle: [Event] {
    events.filter { if case .data = $0 { false } else { true } }
  }
}

/// A stream protocol that records every callback and runs optional hooks, so a test can act
/// from inside any callback.
final class Probe: StreamProtocol {
  let log: ProbeLog
  var transport: (any StreamTransport)?
  var onMade: ((Probe) -> Void)?
  var onData: ((Probe, ByteBuffer) -> Void)?
  var onEOF: ((Probe) -> Bool)?
  var onPause: ((Probe) -> Void)?
  var onResume: ((Probe) -> Void)?

  init(log: ProbeLog) { self.log = log }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    log.record(.made)
    onMade?(self)
  }

  func dataReceived(_ data: ByteBuffer) {
    precondition(!data.isEmpty, "dataReceived got empty bytes")
    log.record(data)
    onData?(self, data)
  }

  func eofReceived() -> Bool {
    log.record(.eof)
    return onEOF?(self) ?? false
  }

  func connectionLost(_ error: (any Error)?) {
    log.record(.lost(errno: (error as? SystemError)?.errno ?? (error == nil ? nil : -1)))
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

/// The protocols a server made, in order; touched only on the server loop's thread (the test
/// reaches them through `loop.submit`).
final class Made<Element: AnyObject>: @unchecked Sendable {
  var items: [Element] = []

  func add(_ item: Element) -> Element {
    items.append(item)
    return item
  }
}
