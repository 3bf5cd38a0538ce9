import EddyProtocols
import EddyReactor

/// The subprocess protocol behind an ``AsyncSubprocess``: on the child's loop, it gives each
/// piped standard stream a ``StreamBridge`` of its own, under the configured layers (so each is
/// an ``AsyncConnection`` with its own backpressure, raw or framed), and records the exit status
/// for the tasks waiting for it.
///
/// The child's transport reports a pipe's end as `pipeConnectionLost`; for stdout and stderr a
/// normal end is passed up as end-of-file first, so a codec layer decodes what is left.
final class SubprocessBridge: SubprocessProtocol {
  let loop: EventLoop
  let exit: ExitStatusBox
  private let configuration: AsyncConnectionConfiguration
  /// The bridges of the piped streams, by stream number.
  private(set) var streams: [Int32: StreamBridge] = [:]
  /// The protocol each pipe's events go to: its bridge under the configured layers.
  private var tops: [Int32: any StreamProtocol] = [:]
  private var transport: (any SubprocessTransport)?

  init(loop: EventLoop, configuration: AsyncConnectionConfiguration) {
    self.loop = loop
    self.configuration = configuration
    self.exit = ExitStatusBox()
  }

  func connectionMade(_ transport: any SubprocessTransport) {
    self.transport = transport
    for number: Int32 in 0...2 {
      guard let pipe = transport.pipeTransport(fd: number) as? any StreamTransport else { continue }
      let made = StreamBridge.make(loop: loop, configuration: configuration)
      streams[number] = made.bridge
      tops[number] = made.protocol
      made.protocol.connectionMade(pipe)
    }
  }

  func pipeDataReceived(fd: Int32, data: ByteBuffer) {
    tops[fd]?.dataReceived(data)
  }

  func pipeConnectionLost(fd: Int32, error: (any Error)?) {
    guard let top = tops.removeValue(forKey: fd) else { return }
    if error == nil && fd != 0 { _ = top.eofReceived() }
    top.connectionLost(error)
  }

  func pauseWriting() { tops[0]?.pauseWriting() }

  func resumeWriting() { tops[0]?.resumeWriting() }

  func processExited() {
    if let status = transport?.returnCode { exit.resolve(status) }
  }

  func connectionLost(_ error: (any Error)?) {
    transport = nil
  }
}

/// The exit status of a child, and the tasks waiting for it.
final class ExitStatusBox: Sendable {
  private struct State {
    var status: Int32?
    var waiters: [CheckedContinuation<Int32, Never>] = []
  }

  private let state = Locked(State())

  /// Records the status and resumes every waiter.
  func resolve(_ status: Int32) {
    let waiters = state.withLock { state -> [CheckedContinuation<Int32, Never>] in
      state.status = status
      defer { state.waiters.removeAll() }
      return state.waiters
    }
    for waiter in waiters { waiter.resume(returning: status) }
  }

  /// The status, once known.
  var status: Int32? { state.withLock { $0.status } }

  /// Waits for the status.
  func wait() async -> Int32 {
    await withCheckedContinuation { waiter in
      let known = state.withLock { state -> Int32? in
        if let status = state.status { return status }
        state.waiters.append(waiter)
        return nil
      }
      if let known { waiter.resume(returning: known) }
    }
  }
}
