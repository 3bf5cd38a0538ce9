import EddyProtocols
import EddyReactor
import EddyTLS
import EddyTransports
import Histogram

/// The load of one event loop: its connections, its counters and its latency histogram, all
/// touched only on the loop's thread, so the hot path takes no lock.
///
/// The properties the hot path touches are `@exclusivity(unchecked)`: one thread uses them and
/// no access to one overlaps another, so the runtime's dynamic check would cost on every
/// message without guarding anything.
final class LoadWorker {
  enum Phase {
    /// Connecting; no message is sent yet.
    case idle
    /// Sending.
    case running
    /// Sending has stopped; waiting for the last replies.
    case draining
    /// Done: counts are final.
    case finished
  }

  let loop: EventLoop
  let plan: WorkerPlan
  /// One message.
  let payload: ByteBuffer
  /// The message repeated ``batchCapacity`` times, sliced to write several in one call.
  private let batch: ByteBuffer
  /// How many messages ``batch`` holds.
  let batchCapacity: Int
  // Settings the hot path reads, kept as plain stored values.
  /// Echo and request mode: replies are expected.
  let expectsReplies: Bool
  /// Request mode: reply bytes are counted as they arrive, not as copies of the message.
  let countsArrivingBytes: Bool
  /// How long a message may wait for its reply, in nanoseconds.
  let replyTimeout: UInt64
  /// Replies are compared with the message.
  let verifies: Bool
  /// Replies are counted by size (raw framing).
  let countsBytes: Bool
  /// The open-loop interval of one connection in nanoseconds; nil for a closed loop.
  let rateInterval: Double?
  /// Messages outstanding per connection in a closed loop.
  let pipeline: Int

  @exclusivity(unchecked) var counters = WorkerCounters()
  @exclusivity(unchecked) var latency = Histogram<UInt64>.latency()
  /// The latency of the replies since the progress interval was last taken.
  @exclusivity(unchecked) private var intervalLatency = Histogram<UInt64>.latency()
  /// The latency of the current ramp step, when ramping.
  @exclusivity(unchecked) private var stepLatency: Histogram<UInt64>?
  @exclusivity(unchecked) private(set) var phase = Phase.idle
  private var connections: [LoadConnection] = []
  private var pendingConnects = 0
  /// The ``open(_:startingAt:done:)`` in progress: attempts left, connections made so far.
  private var opening: Opening?
  private struct Opening {
    var made = 0
    var remaining: Int
    let done: (Int) -> Void
  }

  /// Messages sent before this time (monotonic nanoseconds) are warmup: not counted.
  @exclusivity(unchecked) private(set) var warmupEnd = UInt64.max
  /// The end of sending, if the run is timed.
  @exclusivity(unchecked) private(set) var windowEnd = UInt64.max
  /// Messages this worker may still send, when the run counts requests.
  @exclusivity(unchecked) private var remainingRequests: Int?
  /// One-shot timers, cancelled when the run finishes.
  private var timers: [CallbackHandle] = []
  /// The pending timer of each repeating task; each firing replaces its own entry, so a long
  /// run keeps one handle per task instead of one per period.
  private var repeating: [Repeating: CallbackHandle] = [:]
  private enum Repeating {
    case timeoutCheck, readingCycle, drainPoll
  }
  /// Wakes the open loop when the next message is due.
  private var pacer: PacingTimer?
  private var readingAllowed = true
  /// ``stopSending()`` came before ``start(warmupEnd:windowEnd:completion:)``.
  private var stopRequestedBeforeStart = false
  private var completion: ((WorkerSnapshot) -> Void)?
  /// Asks every worker of the run to stop, when this one finds the server stopped answering.
  private var stopRun: (@Sendable () -> Void)?
  /// When the last reply of any connection came (or sending started), monotonic nanoseconds.
  @exclusivity(unchecked) private var lastReplyAt: UInt64 = 0

  init(loop: EventLoop, plan: WorkerPlan) {
    self.loop = loop
    self.plan = plan
    let configuration = plan.configuration
    let wirePayload = plan.framing.wirePayload
    payload = ByteBuffer(bytes: wirePayload)
    // Request mode writes its own messages: the batch is then one empty message, never used.
    let size = max(1, wirePayload.count)
    batchCapacity = max(1, min(max(configuration.pipeline, 64), 256 * 1024 / size))
    var repeated = ByteBuffer(capacity: size * batchCapacity)
    for _ in 0..<batchCapacity { repeated.writeBytes(wirePayload) }
    batch = repeated
    remainingRequests = plan.requests
    expectsReplies = configuration.mode.expectsReplies
    countsArrivingBytes = configuration.mode == .request
    replyTimeout = UInt64(configuration.replyTimeout.nanoseconds)
    verifies = configuration.verify
    countsBytes = plan.framing.countsBytes
    rateInterval = plan.rateInterval
    pipeline = configuration.pipeline
    if configuration.ramp != nil { stepLatency = .latency() }
  }

  var configuration: LoadConfiguration { plan.configuration }
  var messageSize: Int { payload.readableBytes }

  /// `count` (at most ``batchCapacity``) messages as one buffer sharing the batch's storage.
  @inline(__always)
  func messages(_ count: Int) -> ByteBuffer {
    batch.getSlice(at: 0, length: count &* messageSize)!
  }

  // MARK: Connecting

  /// Opens this worker's connections among `range`, spaced by the connect rate from `start`,
  /// and calls `done` with how many were made once every attempt has ended, or at once when
  /// the run is stopped first (``abandonConnects()``).
  func open(_ range: Range<Int>, startingAt start: Deadline, done: @escaping (Int) -> Void) {
    let owned = plan.ownedConnections(in: range)
    guard !owned.isEmpty, !stopRequestedBeforeStart else {
      done(0)
      return
    }
    opening = Opening(remaining: owned.count, done: done)
    let spacing = configuration.connectRate.map { Duration.nanoseconds(Int64(1e9 / $0)) }
    for index in owned {
      let attempt = { [self] in
        guard opening != nil else { return }
        connect(index) { [self] success in
          guard var progress = opening else { return }
          if success { progress.made += 1 }
          progress.remaining -= 1
          opening = progress
          if progress.remaining == 0 { abandonConnects() }
        }
      }
      if let spacing {
        timers.append(loop.callAt(start + spacing * (index - range.lowerBound), attempt))
      } else {
        attempt()
      }
    }
  }

  /// Reports the connections opened so far as the outcome of ``open(_:startingAt:done:)``
  /// without waiting for the attempts still in progress (a connection made later is closed).
  func abandonConnects() {
    guard let progress = opening else { return }
    opening = nil
    progress.done(progress.made)
  }

  private func connect(_ index: Int, completion: @escaping (Bool) -> Void) {
    let connection = LoadConnection(worker: self, index: index)
    let framing = plan.framing
    let tls = configuration.tls
    let factory: () -> any StreamProtocol = { [self] in
      let top = framing.wrap(connection)
      guard let tls else { return top }
      // Under TLS a connection counts as made once its handshake is done.
      connection.whenEstablished = completion
      return TLSLayer(context: tls.context, serverName: tls.serverName, protocol: top) { [self] error in
        counters.errors.add(.connectFailed, message: "TLS handshake: \(error)")
        connection.established(false)
        if phase == .running || phase == .draining { finishIfIdle() }
      }
    }
    let options = ConnectOptions(timeout: configuration.connectTimeout)
    pendingConnects += 1
    let finished: (Result<SocketStreamTransport, ConnectError>) -> Void = { [self] result in
      pendingConnects -= 1
      switch result {
      case .failure(let error):
        counters.errors.add(Self.kind(of: error), message: error.description)
        if phase == .running || phase == .draining { finishIfIdle() }
        completion(false)
      case .success:
        if tls == nil { completion(true) }
      }
    }
    switch configuration.target {
    case .tcp(let host, let port):
      loop.createConnection(
        host: host, port: port, options: options, protocolFactory: factory, completion: finished)
    case .unix(let path):
      loop.createUnixConnection(path: path, options: options, protocolFactory: factory, completion: finished)
    }
  }

  private static func kind(of error: ConnectError) -> LoadErrorKind {
    switch error {
    case .refused: .connectRefused
    case .timedOut: .connectTimeout
    default: .connectFailed
    }
  }

  /// A connection is up: counted, and put to work at once if traffic is flowing.
  func connectionMade(_ connection: LoadConnection) {
    connection.established(true)
    guard phase != .finished else {
      connection.close()
      return
    }
    counters.connectionsEstablished += 1
    counters.connectionsUp += 1
    connections.append(connection)
    if !readingAllowed { connection.transport?.pauseReading() }
    guard phase == .running else { return }
    connection.begin(at: Deadline.now().nanoseconds, stagger: stagger(connection.index))
    if rateInterval != nil { scheduleRateTick() }
  }

  /// A connection ended: its outstanding messages are lost unless the run has finished.
  func connectionEnded(_ connection: LoadConnection, error: (any Error)?, peerClosed: Bool) {
    counters.connectionsUp -= 1
    guard phase != .finished else { return }
    // A sink's window (with a request count) lasts until the server has read it all.
    if configuration.mode == .sink && phase == .draining && connection.inputEnded && error == nil {
      counters.lastCountedAt = max(counters.lastCountedAt, Deadline.now().nanoseconds)
    }
    let lost = connection.countedOutstanding
    counters.errors.add(
      .lostMessage, count: lost, message: "\(lost) messages unanswered when a connection ended")
    if let error {
      counters.connectionsLost += 1
      counters.errors.add(.connectionError, message: "\(error)")
    } else if peerClosed && !connection.inputEnded {
      counters.connectionsLost += 1
      counters.errors.add(.closedByPeer, message: "the server closed a connection during the run")
    }
    if phase == .running || phase == .draining { finishIfIdle() }
  }

  // MARK: Running

  /// Starts traffic on every connection made. Messages sent before `warmupEnd` are not
  /// counted; sending stops at `windowEnd` (if any) or once this worker's requests are sent.
  /// `completion` receives the final counts.
  /// `stopRun` is called when this worker finds that the server stopped answering.
  func start(
    warmupEnd: Deadline, windowEnd: Deadline?, stopRun: @escaping @Sendable () -> Void,
    completion: @escaping (WorkerSnapshot) -> Void
  ) {
    self.warmupEnd = warmupEnd.nanoseconds
    self.windowEnd = windowEnd?.nanoseconds ?? .max
    self.completion = completion
    self.stopRun = stopRun
    phase = .running
    lastReplyAt = Deadline.now().nanoseconds
    if expectsReplies { scheduleTimeoutCheck() }
    if let windowEnd { timers.append(loop.callAt(windowEnd) { [self] in stopSending() }) }
    if configuration.scenario == .slowReader { pauseReadingCycle() }
    if rateInterval != nil { pacer = PacingTimer(loop: loop) { [unowned self] in scheduleRateTick() } }
    let now = Deadline.now().nanoseconds
    for connection in connections { connection.begin(at: now, stagger: stagger(connection.index)) }
    if remainingRequests == 0 || stopRequestedBeforeStart { stopSending() }
    scheduleRateTick()
    finishIfIdle()
  }

  /// The offset of a connection's open-loop schedule, so that connections take turns evenly.
  private func stagger(_ index: Int) -> UInt64 {
    guard let interval = rateInterval else { return 0 }
    return UInt64(interval * Double(index % configuration.connections) / Double(configuration.connections))
  }

  /// Takes up to `wanted` messages sent at `time` from what may still be sent; 0 once sending
  /// has stopped. Warmup messages do not count against the requests.
  @inline(__always)
  func claim(_ wanted: Int, at time: UInt64) -> Int {
    guard phase == .running else { return 0 }
    guard let remaining = remainingRequests, time >= warmupEnd else { return wanted }
    let granted = min(wanted, remaining)
    remainingRequests = remaining - granted
    return granted
  }

  /// Called after a write: stops sending once this worker's requests are all sent.
  @inline(__always)
  func afterSending() {
    if remainingRequests == 0 && phase == .running { stopSending() }
  }

  /// Counts `count` messages sent at `time` (if after the warmup).
  @inline(__always)
  func countSent(_ count: Int, at time: UInt64) {
    guard time >= warmupEnd else { return }
    if counters.sent == 0 { counters.firstCountedAt = time }
    counters.sent &+= count
    if !expectsReplies { counters.lastCountedAt = time }
  }

  /// Counts `bytes` of messages sent at `time` (if after the warmup).
  @inline(__always)
  func countBytesSent(_ bytes: Int, at time: UInt64) {
    if time >= warmupEnd { counters.bytesSent &+= bytes }
  }

  /// Request mode: counts `bytes` of replies arrived at `now` (if after the warmup).
  @inline(__always)
  func countReplyBytes(_ bytes: Int, at now: UInt64) {
    if now >= warmupEnd { counters.bytesReceived &+= bytes }
  }

  /// Notes that a reply (counted or not) came at `now`: the server is answering.
  @inline(__always)
  func replyArrived(at now: UInt64) { lastReplyAt = now }

  /// Open loop: notes that a message scheduled at `scheduled` was written at `now`.
  @inline(__always)
  func countScheduleLag(scheduled: UInt64, now: UInt64) {
    guard scheduled >= warmupEnd else { return }
    let lag = now > scheduled ? now &- scheduled : 0
    counters.scheduleLagTotal &+= lag
    counters.scheduleLagMax = max(counters.scheduleLagMax, lag)
    counters.scheduleLagCount &+= 1
  }

  /// Matches `count` replies received at `now` with the oldest of `sendTimes`, counting and
  /// timing those sent after the warmup. Returns how many replies had a message to answer, and
  /// how many of those were counted.
  @inline(__always)
  func matchReplies(
    _ count: Int, sendTimes: inout SendTimeRing, now: UInt64
  ) -> (answered: Int, counted: Int) {
    // One exclusive access to each histogram for the whole batch, not one per reply.
    let (answered, counted) = Self.match(
      count, sendTimes: &sendTimes, now: now, warmupEnd: warmupEnd, latency: &latency,
      interval: &intervalLatency, step: &stepLatency)
    if counted > 0 {
      counters.received &+= counted
      if !countsArrivingBytes { counters.bytesReceived &+= counted &* messageSize }
      counters.lastCountedAt = now
    }
    return (answered, counted)
  }

  @inline(__always)
  private static func match(
    _ count: Int, sendTimes: inout SendTimeRing, now: UInt64, warmupEnd: UInt64,
    latency: inout Histogram<UInt64>, interval: inout Histogram<UInt64>, step: inout Histogram<UInt64>?
  ) -> (answered: Int, counted: Int) {
    var answered = 0
    var counted = 0
    // Replies to messages sent together share their latency: one record per run.
    while answered < count, let (sentAt, run) = sendTimes.removeFirst(upTo: count &- answered) {
      answered &+= run
      guard sentAt >= warmupEnd else { continue }
      counted &+= run
      let elapsed = now >= sentAt ? now &- sentAt : 0
      latency.recordLatency(elapsed, count: run)
      interval.recordLatency(elapsed, count: run)
      step?.recordLatency(elapsed, count: run)
    }
    return (answered, counted)
  }

  // MARK: Open loop

  /// Sends every message whose scheduled time has come, then sleeps until the next one.
  private func scheduleRateTick() {
    guard rateInterval != nil, phase == .running else { return }
    let now = Deadline.now().nanoseconds
    var next = UInt64.max
    for connection in connections where connection.isOpen {
      next = min(next, connection.sendDue(now: now))
    }
    guard phase == .running, next < windowEnd else { return }
    pacer?.arm(at: next)
  }

  // MARK: Reply timeouts

  /// Checks for timed-out messages a few times per timeout.
  private func scheduleTimeoutCheck() {
    let period = min(max(replyTimeout / 8, 5_000_000), 250_000_000)
    repeating[.timeoutCheck] = loop.callLater(after: .nanoseconds(Int64(period))) { [self] in
      guard phase == .running || phase == .draining else { return }
      checkTimeouts()
      scheduleTimeoutCheck()
    }
  }

  /// Counts every message unanswered for longer than the reply timeout as timed out and, in a
  /// closed loop, sends others in their place; ends the run when no reply at all came for that
  /// long while messages were outstanding: the server stopped answering.
  private func checkTimeouts() {
    let now = Deadline.now().nanoseconds
    guard now > replyTimeout else { return }
    let deadline = now &- replyTimeout
    var expired: [(LoadConnection, Int)] = []
    for connection in connections where connection.isOpen {
      let count = connection.expire(sentBefore: deadline)
      if count > 0 { expired.append((connection, count)) }
    }
    guard !expired.isEmpty else { return }
    if phase == .running && lastReplyAt < deadline {
      counters.serverStoppedAnswering = true
      stopRun?()
      finish()
      return
    }
    for (connection, count) in expired { connection.replace(count, at: now) }
  }

  // MARK: Slow reader

  /// Alternates reading and not reading on every connection for the slow-reader scenario.
  private func pauseReadingCycle() {
    guard phase == .running else { return }
    let cycle = configuration.slowReaderCycle
    setReading(false)
    repeating[.readingCycle] = loop.callLater(after: cycle.period - cycle.reading) { [self] in
      guard phase == .running else { return }
      setReading(true)
      repeating[.readingCycle] = loop.callLater(after: cycle.reading) { [self] in pauseReadingCycle() }
    }
  }

  private func setReading(_ allowed: Bool) {
    readingAllowed = allowed
    for connection in connections where connection.isOpen {
      if allowed { connection.transport?.resumeReading() } else { connection.transport?.pauseReading() }
    }
  }

  // MARK: Stopping

  /// Stops sending and waits (at most the drain timeout) for the last replies.
  func stopSending() {
    guard phase == .running else {
      if phase == .idle {
        stopRequestedBeforeStart = true
        abandonConnects()
      }
      return
    }
    if rateInterval != nil {
      // Messages scheduled before now (and inside the window) are sent even if the pacer is
      // late, so the schedule is kept whole. Sending the last requests may stop us already.
      let now = Deadline.now().nanoseconds
      for connection in connections where connection.isOpen { _ = connection.sendDue(now: now) }
      guard phase == .running else { return }
    }
    phase = .draining
    counters.stoppedAt = Deadline.now().nanoseconds
    pacer?.disarm()
    if !readingAllowed { setReading(true) }
    // A sink (and a half-closing client) ends its input at once; the others once their
    // replies are in (``LoadConnection/drain()``).
    if configuration.scenario == .halfClose || configuration.mode == .sink {
      for connection in connections where connection.isOpen { connection.endInput() }
    }
    timers.append(loop.callLater(after: configuration.drainTimeout) { [self] in finish() })
    pollDrain()
  }

  private func pollDrain() {
    guard phase == .draining else { return }
    if finishIfIdle() { return }
    repeating[.drainPoll] = loop.callLater(after: .milliseconds(2)) { [self] in pollDrain() }
  }

  /// Finishes when nothing more can happen: draining with every connection closed by the
  /// server after the end of its input, or no connection left at all. Returns whether it
  /// finished.
  @discardableResult
  private func finishIfIdle() -> Bool {
    // A ramp adds connections later, so having none yet is no reason to stop.
    let noConnections = configuration.ramp == nil && counters.connectionsUp == 0 && pendingConnects == 0
    var drained = phase == .draining
    if drained {
      for connection in connections where !connection.drain() { drained = false }
    }
    guard noConnections || drained else { return false }
    finish()
    return true
  }

  /// Final counts: what is still outstanding is in flight; connections are closed.
  private func finish() {
    guard phase == .running || phase == .draining else { return }
    if phase == .running { counters.stoppedAt = Deadline.now().nanoseconds }
    phase = .finished
    pacer?.invalidate()
    pacer = nil
    for timer in timers { timer.cancel() }
    timers.removeAll()
    for timer in repeating.values { timer.cancel() }
    repeating.removeAll()
    for connection in connections where connection.isOpen {
      counters.inFlight += connection.countedOutstanding
      connection.close()
    }
    connections.removeAll()
    // The last interval's latencies go with the final counts, and no later interval has them.
    let final = snapshot()
    intervalLatency.reset()
    completion?(final)
    completion = nil
  }

  // MARK: Reports

  /// The counts and latency so far.
  func snapshot() -> WorkerSnapshot {
    WorkerSnapshot(counters: counters, latency: latency, interval: intervalLatency)
  }

  /// The counts so far and the latency since the previous call, whose histogram starts again
  /// empty: one histogram per interval, so memory stays the same however long the run.
  func takeInterval() -> WorkerInterval {
    let interval = WorkerInterval(counters: counters, latency: intervalLatency)
    intervalLatency.reset()
    return interval
  }

  /// The counts so far and the latency since the previous call (the current ramp step's).
  func takeStep() -> WorkerInterval {
    let step = WorkerInterval(counters: counters, latency: stepLatency ?? .latency())
    stepLatency?.reset()
    return step
  }
}

extension Result {
  fileprivate var isSuccess: Bool {
    if case .success = self { true } else { false }
  }
}
