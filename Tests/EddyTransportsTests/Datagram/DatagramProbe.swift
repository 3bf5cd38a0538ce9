import EddyProtocols
import EddyReactor
import EddyTransports

/// What a ``DatagramProbe`` saw, readable from the test's thread while the loop runs.
final class DatagramLog: Sendable {
  enum Event: Sendable, Equatable {
    case made
    case datagram(Int)
    case error(String)
    case lost
    case pause
    case resume
  }

  private let state = Locked<(events: [Event], payloads: [[UInt8]], errors: [any Error])>(([], [], []))

  func record(_ event: Event) { state.withLock { $0.events.append(event) } }

  func record(_ data: ByteBuffer) {
    state.withLock {
      $0.events.append(.datagram(data.readableBytes))
      $0.payloads.append(data.bytes)
    }
  }

  func record(_ error: any Error) {
    state.withLock {
      $0.events.append(.error("\(error)"))
      $0.errors.append(error)
    }
  }

  var events: [Event] { state.withLock { $0.events } }
  var payloads: [[UInt8]] { state.withLock { $0.payloads } }
  var errors: [any Error] { state.withLock { $0.errors } }
  var isLost: Bool { events.contains(.lost) }

  /// The callbacks without the datagram events.
  var lifecycle: [Event] {
    events.filter { if case .datagram = $0 { false } else { true } }
  }
}

/// A datagram protocol that records every callback and runs optional hooks.
final class DatagramProbe: DatagramProtocol {
  let log: DatagramLog
  var transport: (any DatagramTransport)?
  var onMade: ((DatagramProbe) -> Void)?
  var onDatagram: ((DatagramProbe, ByteBuffer, SocketAddress) -> Void)?

  init(log: DatagramLog) { self.log = log }

  func connectionMade(_ transport: any DatagramTransport) {
    self.transport = transport
    log.record(.made)
    onMade?(self)
  }

  func datagramReceived(_ data: ByteBuffer, from address: SocketAddress) {
    log.record(data)
    onDatagram?(self, data, address)
  }

  func errorReceived(_ error: any Error) { log.record(error) }

  func connectionLost(_ error: (any Error)?) {
    log.record(.lost)
    transport = nil
  }

  func pauseWriting() { log.record(.pause) }

  func resumeWriting() { log.record(.resume) }
}

/// Sends every datagram back where it came from.
final class DatagramEcho: DatagramProtocol {
  var transport: (any DatagramTransport)?
  func connectionMade(_ transport: any DatagramTransport) { self.transport = transport }
  func datagramReceived(_ data: ByteBuffer, from address: SocketAddress) {
    transport?.send(data, to: address)
  }
}
