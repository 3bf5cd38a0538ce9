import EddyReactor
import EddyTransports
import Metrics
import Synchronization

/// The metrics of a server's or of clients' connections, on swift-metrics: give it to
/// ``/EddyTransports/ServerOptions/observer`` or ``/EddyTransports/ConnectOptions/observer``.
///
/// For a server named `NAME` (label `server="NAME"`; a client's are `eddy_client_…` with
/// `client="NAME"`, and count connections opened instead of accepted):
///
/// | metric | type | what |
/// |---|---|---|
/// | `eddy_server_connections_accepted_total` | counter | connections accepted |
/// | `eddy_server_connections_closed_total` | counter | connections ended, however |
/// | `eddy_server_connections_open` | meter | connections open now |
/// | `eddy_server_bytes_received_total` | counter | bytes read from the sockets |
/// | `eddy_server_bytes_sent_total` | counter | bytes the kernel took for sending |
/// | `eddy_server_writes_paused_total` | counter | write buffers that went over the high-water mark |
/// | `eddy_server_connection_errors_total` | counter | connections ended by an error, by `kind` (``ConnectionErrorKind``) |
/// | `eddy_server_accept_backoffs_total` | counter | pauses in accepting for want of descriptors (servers only) |
///
/// Labels are few and bounded: the name given here and an error kind from a fixed set; no
/// connection has labels of its own.
///
/// Connection events go to the backend as they happen (a few per connection). Bytes and pauses
/// do not: the transports of each loop add them into that loop's plain integers
/// (``/EddyTransports/ConnectionTraffic``), and this object reports what they grew by to the
/// backend from a timer on that loop every `reportInterval`, and whenever a connection on the
/// loop ends, so a closed connection's bytes are counted by the time its close is. The timer
/// runs for as long as the loop does, once it has served an observed connection.
public final class ConnectionMetrics: ConnectionObserver {
  private let opened: Counter
  private let closed: Counter
  private let open: Meter
  private let bytesReceived: Counter
  private let bytesSent: Counter
  private let writesPaused: Counter
  private let errors: [ConnectionErrorKind: Counter]
  private let acceptBackoffs: Counter?
  private let reportInterval: Duration
  /// Each loop's counts and what of them was reported, by loop.
  private let loops = Mutex<[ObjectIdentifier: LoopBound<LoopTraffic>]>([:])

  /// The metrics of the server named `name` (its `server` label), made by `factory` (by
  /// default the one `MetricsSystem` was bootstrapped with); bytes and pauses are reported
  /// every `reportInterval`.
  public convenience init(
    server name: String, reportInterval: Duration = .seconds(1),
    factory: any MetricsFactory = MetricsSystem.factory
  ) {
    self.init(
      role: "server", opened: "accepted", name: name, reportInterval: reportInterval, factory: factory)
  }

  /// The metrics of the client connections named `name` (their `client` label), made by
  /// `factory` (by default the one `MetricsSystem` was bootstrapped with); bytes and pauses are
  /// reported every `reportInterval`.
  public convenience init(
    client name: String, reportInterval: Duration = .seconds(1),
    factory: any MetricsFactory = MetricsSystem.factory
  ) {
    self.init(role: "client", opened: "opened", name: name, reportInterval: reportInterval, factory: factory)
  }

  private init(
    role: String, opened openedName: String, name: String, reportInterval: Duration,
    factory: any MetricsFactory
  ) {
    let dimensions = [(role, name)]
    func counter(_ what: String) -> Counter {
      Counter(label: "eddy_\(role)_\(what)_total", dimensions: dimensions, factory: factory)
    }
    opened = counter("connections_\(openedName)")
    closed = counter("connections_closed")
    open = Meter(label: "eddy_\(role)_connections_open", dimensions: dimensions, factory: factory)
    bytesReceived = counter("bytes_received")
    bytesSent = counter("bytes_sent")
    writesPaused = counter("writes_paused")
    var errors: [ConnectionErrorKind: Counter] = [:]
    for kind in ConnectionErrorKind.allCases {
      errors[kind] = Counter(
        label: "eddy_\(role)_connection_errors_total", dimensions: dimensions + [("kind", kind.rawValue)],
        factory: factory)
    }
    self.errors = errors
    acceptBackoffs = role == "server" ? counter("accept_backoffs") : nil
    self.reportInterval = max(reportInterval, .milliseconds(1))
  }

  /// The counts of `loop`, made with its report timer the first time it is asked for.
  public func traffic(on loop: EventLoop) -> ConnectionTraffic {
    loop.assertInLoopThread()
    let key = ObjectIdentifier(loop)
    if let known = loops.withLock({ $0[key] }) { return known.value.counts }
    let made = LoopTraffic()
    loops.withLock { $0[key] = LoopBound(made, loop: loop) }
    scheduleReport(of: made, on: loop)
    return made.counts
  }

  private func scheduleReport(of traffic: LoopTraffic, on loop: EventLoop) {
    loop.callLater(after: reportInterval) { [self] in
      report(traffic)
      scheduleReport(of: traffic, on: loop)
    }
  }

  /// Hands the backend what `traffic` grew by since its last report.
  private func report(_ traffic: LoopTraffic) {
    let growth = traffic.takeGrowth()
    if growth.bytesReceived > 0 { bytesReceived.increment(by: growth.bytesReceived) }
    if growth.bytesSent > 0 { bytesSent.increment(by: growth.bytesSent) }
    if growth.writesPaused > 0 { writesPaused.increment(by: growth.writesPaused) }
  }

  /// Counts a connection accepted (or opened) and open.
  public func connectionOpened(on loop: EventLoop) {
    opened.increment()
    open.increment()
  }

  /// Reports the loop's traffic, then counts the connection closed, no longer open, and its
  /// error by kind.
  public func connectionClosed(on loop: EventLoop, error: (any Error)?) {
    if let traffic = loops.withLock({ $0[ObjectIdentifier(loop)] }) { report(traffic.value) }
    closed.increment()
    open.decrement()
    if let error { errors[ConnectionErrorKind(error)]?.increment() }
  }

  /// Counts a pause in accepting.
  public func acceptBackedOff(on loop: EventLoop, error: SystemError) {
    acceptBackoffs?.increment()
  }
}
