import EddyProtocols
import EddyReactor

/// The lifecycle every descriptor transport goes through, stream and datagram alike (asyncio's
/// `_SelectorTransport`): registration with the loop, a graceful close that waits for the
/// write queue, an abort, the descriptor's release, and `connectionLost` reported exactly once.
///
/// Every state change goes through ``apply(_:)``, which names the legal moves:
///
/// | state         | event            | next state    | what the transport does                          |
/// |---------------|------------------|---------------|--------------------------------------------------|
/// | `registering` | `started`        | `open`        | calls `connectionMade`                           |
/// | `registering` | `startFailed`    | `ended`       | releases the descriptor, makes no callback       |
/// | `open`        | `closeRequested` | `closing`     | stops reading, lets the queue drain              |
/// | `open`        | `finished`       | `closed`      | releases the descriptor (abort, error, EOF)      |
/// | `closing`     | `finished`       | `closed`      | releases the descriptor (queue drained, abort)   |
/// | `closed`      | `lostReported`   | `ended`       | hands `connectionLost` to the protocol, once     |
///
/// Any other pair is refused (``apply(_:)`` returns false and nothing changes): a second close,
/// an abort after the end, a second `connectionLost`.
struct DescriptorLifecycle {
  /// Where a transport is in its life.
  enum State {
    /// Made, not yet registered with the loop; no callback has been made.
    case registering
    /// Reading (if it reads) and writing.
    case open
    /// `close()` was called: no more reading, the write queue drains, then the descriptor closes.
    case closing
    /// The descriptor is closed; `connectionLost` is about to be reported.
    case closed
    /// `connectionLost` was reported, or the transport never started: nothing more happens.
    case ended
  }

  /// What moves a transport from one state to the next.
  enum Event {
    /// The descriptor is registered with the loop.
    case started
    /// Registering failed.
    case startFailed
    /// The protocol (or the peer's end of stream) asked for a graceful close.
    case closeRequested
    /// The descriptor is released: the queue drained after a close, an abort, or a failure.
    case finished
    /// `connectionLost` is handed to the protocol.
    case lostReported
  }

  /// The descriptor.
  let fd: Int32
  /// The current state; changed only by ``apply(_:)``.
  private(set) var state = State.registering
  /// The readiness the loop watches for now.
  private var registeredInterest: Interest = []

  /// A lifecycle for `fd`, not registered yet.
  init(fd: Int32) {
    self.fd = fd
  }

  /// Moves to the state `event` leads to from the current one; false, with nothing changed,
  /// when the move is not in the table.
  @discardableResult
  mutating func apply(_ event: Event) -> Bool {
    switch (state, event) {
    case (.registering, .started): state = .open
    case (.registering, .startFailed): state = .ended
    case (.open, .closeRequested): state = .closing
    case (.open, .finished), (.closing, .finished): state = .closed
    case (.closed, .lostReported): state = .ended
    default: return false
    }
    return true
  }

  /// True while open: neither closing nor closed.
  var isOpen: Bool { state == .open }

  /// True while the descriptor is open and registered (open or closing).
  var holdsDescriptor: Bool { state == .open || state == .closing }

  /// Registers `owner` for `interest`; `started` on success, `startFailed` (the caller then
  /// releases the descriptor) on failure.
  mutating func register(_ owner: any Selectable, on loop: EventLoop, interest: Interest) throws(SystemError)
  {
    do {
      try loop.register(owner, fd: fd, interest: interest)
    } catch {
      apply(.startFailed)
      throw error
    }
    registeredInterest = interest
    apply(.started)
  }

  /// Asks the loop for `wanted` readiness when it differs from what is registered; nothing once
  /// the descriptor is released.
  mutating func watch(_ wanted: Interest, on loop: EventLoop) throws(SystemError) {
    guard holdsDescriptor, wanted != registeredInterest else { return }
    try loop.setInterest(wanted, fd: fd)
    registeredInterest = wanted
  }

  /// `finished`: deregisters and closes the descriptor. False when it was already released, in
  /// which case nothing happens.
  mutating func releaseDescriptor(on loop: EventLoop) -> Bool {
    guard apply(.finished) else { return false }
    loop.deregister(fd: fd)
    _ = systemClose(fd)
    return true
  }

  /// Runs `report` (which hands `connectionLost` to the protocol after `lostReported` is
  /// applied) now, or on the loop's next iteration so that a protocol that closed from inside a
  /// callback finishes that callback first.
  static func scheduleReport(on loop: EventLoop, now: Bool, _ report: @escaping () -> Void) {
    if now {
      report()
    } else {
      loop.callSoon(report)
    }
  }
}
