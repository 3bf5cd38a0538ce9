import EddyAsync
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a callback-side peer saw, readable from the test's thread.
final class PeerLog: Sendable {
  private struct State {
    var received = 0
    var inOrder = true
    var sawEOF = false
    var lost = false
    var lostError: String?
  }

  private let state = Locked(State())

  func record(_ data: ByteBuffer) {
    state.withLock { state in
      if !followsPattern(data, from: state.received) { state.inOrder = false }
      state.received += data.readableBytes
    }
  }

  func recordEOF() { state.withLock { $0.sawEOF = true } }

  func recordLost(_ error: (any Error)?) {
    state.withLock {
      $0.lost = true
      $0.lostError = error.map { "\($0)" }
    }
  }

  var received: Int { state.withLock { $0.received } }
  var inOrder: Bool { state.withLock { $0.inOrder } }
  var sawEOF: Bool { state.withLock { $0.sawEOF } }
  var lost: Bool { state.withLock { $0.lost } }
}

/// A peer that sends `total` bytes of the pattern as fast as its transport's water marks allow,
/// then closes.
final class Blaster: StreamProtocol {
  private let total: Int
  private let source: PatternSource
  private let chunkSize: Int
  private var sent = 0
  private var paused = false
  private var transport: (any StreamTransport)?

  init(total: Int, chunkSize: Int = 64 * 1024) {
    self.total = total
    self.chunkSize = chunkSize
    self.source = PatternSource(maxCount: chunkSize)
  }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    pump()
  }

  func pauseWriting() { paused = true }

  func resumeWriting() {
    paused = false
    pump()
  }

  func connectionLost(_ error: (any Error)?) { transport = nil }

  private func pump() {
    guard let transport else { return }
    while !paused && sent < total {
      let count = min(chunkSize, total - sent)
      transport.write(source.slice(from: sent, count: count))
      sent += count
    }
    if sent == total { transport.close() }
  }
}

/// A peer that records what it receives; it can start with reading paused, to play a peer that
/// does not read.
final class Recorder: StreamProtocol {
  let log: PeerLog
  private let startPaused: Bool
  private(set) var transport: (any StreamTransport)?

  init(log: PeerLog, startPaused: Bool = false) {
    self.log = log
    self.startPaused = startPaused
  }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    if startPaused { transport.pauseReading() }
  }

  func dataReceived(_ data: ByteBuffer) { log.record(data) }

  func eofReceived() -> Bool {
    log.recordEOF()
    return false
  }

  func connectionLost(_ error: (any Error)?) {
    log.recordLost(error)
    transport = nil
  }
}

extension Made where Element == Recorder {
  /// Lets every recorder read again; call on the server loop's thread.
  func resumeReading() {
    for recorder in items { recorder.transport?.resumeReading() }
  }

  /// Aborts every recorder's connection; call on the server loop's thread.
  func abortAll() {
    for recorder in items { recorder.transport?.abort() }
  }

  /// Aborts every recorder's connection with a reset: SO_LINGER with a zero timeout turns the
  /// abort into an RST whatever the kernel holds. Call on the server loop's thread.
  func resetAll() {
    for recorder in items {
      guard let fd = recorder.transport?.fileDescriptor else { continue }
      var linger = linger(l_onoff: 1, l_linger: 0)
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
    }
    abortAll()
  }
}

/// A client connection, from `group.loops[1]`, to a server on `group.loops[0]` whose every
/// connection is a ``Recorder`` that reads nothing until resumed: the peer that never reads, for
/// backpressure, cancellation and reset tests. Close the server when done.
func connectToUnreadingPeer(
  _ group: EventLoopGroup
) async throws -> (connection: AsyncConnection, peers: Made<Recorder>, log: PeerLog, server: Server) {
  let log = PeerLog()
  let peers = Made<Recorder>()
  let server = try group.loops[0].createServer(host: "127.0.0.1", port: 0) {
    peers.add(Recorder(log: log, startPaused: true))
  }
  do {
    let connection = try await group.loops[1].connect(host: "127.0.0.1", port: server.port!)
    return (connection, peers, log, server)
  } catch {
    server.close()
    throw error
  }
}
