import EddyProtocols
import EddyReactor
import EddyTransports

/// What a ``SubprocessProbe`` saw, readable from the test's thread while the loop runs.
final class SubprocessLog: Sendable {
  enum Event: Sendable, Equatable {
    case made
    case data(fd: Int32, count: Int)
    case pipeLost(fd: Int32, errno: Int32?)
    case exited(Int32)
    case lost
    case pause
    case resume
  }

  private let state = Locked<(events: [Event], output: [Int32: [UInt8]])>(([], [:]))

  func record(_ event: Event) { state.withLock { $0.events.append(event) } }

  func record(fd: Int32, _ data: ByteBuffer) {
    state.withLock {
      $0.events.append(.data(fd: fd, count: data.readableBytes))
      $0.output[fd, default: []].append(contentsOf: data.bytes)
    }
  }

  var events: [Event] { state.withLock { $0.events } }
  var isLost: Bool { events.contains(.lost) }

  /// Everything the child wrote to `fd`.
  func output(_ fd: Int32) -> [UInt8] { state.withLock { $0.output[fd] ?? [] } }

  /// The callbacks without the data events.
  var lifecycle: [Event] {
    events.filter { if case .data = $0 { false } else { true } }
  }

  /// The position of the first event equal to `event`.
  func index(of event: Event) -> Int? { events.firstIndex(of: event) }
}

/// A subprocess protocol that records every callback and runs optional hooks.
final class SubprocessProbe: SubprocessProtocol {
  let log: SubprocessLog
  var transport: ChildProcessTransport?
  var onMade: ((SubprocessProbe) -> Void)?

  init(log: SubprocessLog) { self.log = log }

  func connectionMade(_ transport: any SubprocessTransport) {
    self.transport = transport as? ChildProcessTransport
    log.record(.made)
    onMade?(self)
  }

  func pipeDataReceived(fd: Int32, data: ByteBuffer) {
    precondition(!data.isEmpty, "pipeDataReceived got empty bytes")
    log.record(fd: fd, data)
  }

  func pipeConnectionLost(fd: Int32, error: (any Error)?) {
    log.record(.pipeLost(fd: fd, errno: (error as? SystemError)?.errno ?? (error == nil ? nil : -1)))
  }

  func processExited() { log.record(.exited(transport?.returnCode ?? -999)) }

  func connectionLost(_ error: (any Error)?) {
    log.record(.lost)
    transport = nil
  }

  func pauseWriting() { log.record(.pause) }

  func resumeWriting() { log.record(.resume) }
}
