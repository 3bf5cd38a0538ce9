import EddyReactor
import Histogram
import Synchronization

/// Runs a load described by a ``LoadConfiguration``: one worker per event loop, connections
/// spread over them, counts merged at the end and at every progress report.
public final class LoadGenerator: Sendable {
  /// The configuration, validated.
  public let configuration: LoadConfiguration
  private let framing: MessageFraming
  private let control = Mutex(RunControl())

  /// What ``stop()`` needs to reach a run in progress.
  private struct RunControl {
    var workers: [LoopBound<LoadWorker>] = []
    var stopRequested = false
  }

  /// A generator for `configuration`, which must be valid.
  public init(_ configuration: LoadConfiguration) throws(LoadConfigurationError) {
    try configuration.validate()
    self.configuration = configuration
    self.framing = try MessageFraming(configuration)
  }

  /// Ends the run early, from any thread: sending stops at once, the last replies are awaited
  /// as at a normal end, and ``run(progressInterval:progress:)`` returns the report of the
  /// shortened window. Idempotent.
  public func stop() {
    let workers = control.withLock { control in
      control.stopRequested = true
      return control.workers
    }
    for worker in workers { worker.loop.execute { worker.value.stopSending() } }
  }

  /// Connects, applies the load, and reports what it measured. Run it once per generator.
  ///
  /// - Parameters:
  ///   - progressInterval: how often `progress` is called.
  ///   - progress: called about once per `progressInterval` while traffic flows.
  /// - Throws: ``LoadGeneratorError``: when no connection could be made or the loops could not start.
  public func run(
    progressInterval: Duration = .seconds(1), progress: (@Sendable (LoadProgress) -> Void)? = nil
  ) async throws -> LoadReport {
    let group: EventLoopGroup
    do {
      group = try EventLoopGroup(
        loops: configuration.effectiveLoops, name: "loadgen", backend: configuration.backend)
    } catch {
      throw LoadGeneratorError.system("\(error)")
    }
    do {
      let report = try await run(on: group, progressInterval: progressInterval, progress: progress)
      await group.shutdownGracefully()
      return report
    } catch {
      await group.shutdownGracefully()
      throw error
    }
  }

  private func run(
    on group: EventLoopGroup, progressInterval: Duration, progress: (@Sendable (LoadProgress) -> Void)?
  ) async throws -> LoadReport {
    let workers = try await makeWorkers(on: group)
    // From here ``stop()`` reaches the workers, so connects in progress can be abandoned.
    let stoppedBeforeOpening = control.withLock { control in
      control.workers = workers
      return control.stopRequested
    }
    if stoppedBeforeOpening { stop() }
    let initial = configuration.ramp.map { min($0.stepConnections, configuration.connections) }
    let made = await open(0..<(initial ?? configuration.connections), on: workers)
    if made == 0 && !control.withLock({ $0.stopRequested }) {
      let errors = WorkerSnapshot.merged(await snapshots(of: workers)).counters.errors
      let reason = errors.nonZero.first.flatMap { errors.firstMessage($0.kind) } ?? "no connection was made"
      throw LoadGeneratorError.noConnection(target: configuration.target.description, reason: reason)
    }
    if let startAt = configuration.startAt { await wait(until: startAt) }
    let trafficStart = Deadline.now()
    let warmupEnd = trafficStart + configuration.warmup
    let windowStart = WallClock.now() + Deadline.now().duration(to: warmupEnd).seconds
    let stopped = control.withLock { $0.stopRequested }
    let windowEnd = stopped ? trafficStart : configuration.window.map { warmupEnd + $0 }
    let clock = IntervalClock(
      every: progressInterval, warmupEnd: warmupEnd, windowEnd: windowEnd, windowStart: windowStart,
      warmup: configuration.warmup)
    let ticker = progress.map { handler in
      Task { await reportProgress(of: workers, clock: clock, to: handler) }
    }
    let ramp = Task { await rampUp(workers, from: warmupEnd) }
    let finals = await withTaskGroup(of: WorkerSnapshot.self) { tasks in
      for worker in workers {
        tasks.addTask {
          await withCheckedContinuation { continuation in
            worker.loop.execute {
              worker.value.start(warmupEnd: warmupEnd, windowEnd: windowEnd, stopRun: { self.stop() }) {
                continuation.resume(returning: $0)
              }
            }
          }
        }
      }
      return await tasks.reduce(into: []) { $0.append($1) }
    }
    // A run stopped early ends its ramp too.
    ramp.cancel()
    var steps = await ramp.value
    let total = WorkerSnapshot.merged(finals)
    if let last = await lastStep(of: workers, after: steps, total: total) { steps.append(last) }
    let report = report(
      total, steps: steps, warmupEnd: warmupEnd, windowEnd: windowEnd, windowStart: windowStart)
    if let ticker, let progress {
      ticker.cancel()
      let previous = await ticker.value
      let end = max(previous.time, warmupEnd + report.duration)
      let last = WorkerInterval(counters: total.counters, latency: total.interval)
      progress(clock.progress(last, since: previous, at: end, mode: configuration.mode, isLast: true))
    }
    return report
  }

  /// Sleeps until `time` (seconds since the UNIX epoch) or until ``stop()``, whichever is first.
  private func wait(until time: Double) async {
    while !control.withLock({ $0.stopRequested }) {
      let left = time - WallClock.now()
      guard left > 0 else { return }
      try? await Task.sleep(for: .nanoseconds(Int64(min(left, 0.05) * 1e9)))
    }
  }

  private func makeWorkers(on group: EventLoopGroup) async throws -> [LoopBound<LoadWorker>] {
    var workers: [LoopBound<LoadWorker>] = []
    let seed = UInt64.random(in: 0...UInt64.max)
    for (index, loop) in group.loops.enumerated() {
      let plan = WorkerPlan(
        index: index, workerCount: group.loops.count, configuration: configuration, framing: framing,
        seed: seed)
      workers.append(try await loop.submit { LoopBound(LoadWorker(loop: loop, plan: plan), loop: loop) })
    }
    return workers
  }

  /// Opens the connections numbered `range` over the workers; returns how many were made.
  private func open(_ range: Range<Int>, on workers: [LoopBound<LoadWorker>]) async -> Int {
    let start = Deadline.now()
    return await withTaskGroup(of: Int.self) { tasks in
      for worker in workers {
        tasks.addTask {
          await withCheckedContinuation { continuation in
            worker.loop.execute {
              worker.value.open(range, startingAt: start) { continuation.resume(returning: $0) }
            }
          }
        }
      }
      return await tasks.reduce(0, +)
    }
  }

  private func snapshots(of workers: [LoopBound<LoadWorker>]) async -> [WorkerSnapshot] {
    var taken: [WorkerSnapshot] = []
    for worker in workers {
      if let snapshot = try? await worker.loop.submit({ worker.value.snapshot() }) { taken.append(snapshot) }
    }
    return taken
  }

  /// Every worker's current ramp step, each started again.
  private func takeSteps(of workers: [LoopBound<LoadWorker>]) async -> [WorkerInterval] {
    var taken: [WorkerInterval] = []
    for worker in workers {
      if let step = try? await worker.loop.submit({ worker.value.takeStep() }) { taken.append(step) }
    }
    return taken
  }

  /// Reports every interval of `clock` until cancelled, then returns the last interval's end.
  /// A warmup interval only reads the counts: what the workers measured since the window began
  /// (even just before the warmup's last report) goes to the window's first interval.
  private func reportProgress(
    of workers: [LoopBound<LoadWorker>], clock: IntervalClock, to handler: @Sendable (LoadProgress) -> Void
  ) async -> IntervalClock.Mark {
    var previous = IntervalClock.Mark(counters: WorkerCounters(), time: clock.firstStart)
    var tick = 1
    while !Task.isCancelled, let next = clock.tick(tick) {
      let wait = Deadline.now().duration(to: next)
      if wait > .zero { try? await Task.sleep(for: wait) }
      if Task.isCancelled { break }
      let warmup = next <= clock.warmupEnd
      var taken: [WorkerInterval] = []
      for worker in workers {
        let interval = try? await worker.loop.submit {
          warmup
            ? WorkerInterval(counters: worker.value.counters, latency: .latency())
            : worker.value.takeInterval()
        }
        if let interval { taken.append(interval) }
      }
      let interval = WorkerInterval.merged(taken)
      handler(clock.progress(interval, since: previous, at: next, mode: configuration.mode, isLast: false))
      previous = IntervalClock.Mark(counters: warmup ? WorkerCounters() : interval.counters, time: next)
      tick += 1
    }
    return previous
  }

  /// Adds connections a step at a time and reports every step but the last.
  private func rampUp(_ workers: [LoopBound<LoadWorker>], from warmupEnd: Deadline) async -> [RampStepReport]
  {
    guard let ramp = configuration.ramp else { return [] }
    var steps: [RampStepReport] = []
    var previous = WorkerCounters()
    for step in 1..<ramp.stepCount(connections: configuration.connections) {
      let boundary = warmupEnd + ramp.stepDuration * step
      let wait = Deadline.now().duration(to: boundary)
      if wait > .zero { try? await Task.sleep(for: wait) }
      if Task.isCancelled { break }
      let snapshot = WorkerInterval.merged(await takeSteps(of: workers))
      steps.append(stepReport(step, snapshot, since: previous, duration: ramp.stepDuration))
      previous = snapshot.counters
      let first = step * ramp.stepConnections
      _ = await open(first..<min(first + ramp.stepConnections, configuration.connections), on: workers)
    }
    return steps
  }

  /// The last ramp step, from the final counts.
  private func lastStep(
    of workers: [LoopBound<LoadWorker>], after steps: [RampStepReport], total: WorkerSnapshot
  ) async -> RampStepReport? {
    guard let ramp = configuration.ramp else { return nil }
    let stepLatency = WorkerInterval.merged(await takeSteps(of: workers)).latency
    var before = WorkerCounters()
    before.received = steps.reduce(0) { $0 + $1.messages }
    before.sent = before.received
    var last = WorkerInterval(counters: total.counters, latency: stepLatency)
    last.counters.connectionsUp = total.counters.connectionsEstablished - total.counters.connectionsLost
    return stepReport(steps.count + 1, last, since: before, duration: ramp.stepDuration)
  }

  private func stepReport(
    _ step: Int, _ snapshot: WorkerInterval, since previous: WorkerCounters, duration: Duration
  ) -> RampStepReport {
    let counters = snapshot.counters
    let messages =
      configuration.mode.expectsReplies
      ? counters.received - previous.received : counters.sent - previous.sent
    return RampStepReport(
      step: step, connections: counters.connectionsUp, duration: duration, messages: messages,
      latency: LatencySummary(microseconds: snapshot.latency))
  }

  private func report(
    _ total: WorkerSnapshot, steps: [RampStepReport], warmupEnd: Deadline, windowEnd: Deadline?,
    windowStart: Double
  ) -> LoadReport {
    let counters = total.counters
    let measured: Duration
    if configuration.requests != nil {
      // From the first message sent to the last reply (the last message, for a sink).
      let first = counters.firstCountedAt > 0 ? Deadline(nanoseconds: counters.firstCountedAt) : warmupEnd
      let last = counters.lastCountedAt > 0 ? Deadline(nanoseconds: counters.lastCountedAt) : first
      measured = first.duration(to: min(last, windowEnd ?? last))
    } else {
      let end = windowEnd ?? warmupEnd
      let stopped = counters.stoppedAt > 0 ? Deadline(nanoseconds: counters.stoppedAt) : end
      measured = warmupEnd.duration(to: min(end, stopped))
    }
    let start =
      configuration.requests != nil && counters.firstCountedAt > 0
      ? warmupEnd.duration(to: Deadline(nanoseconds: counters.firstCountedAt)).seconds : 0
    return LoadReport(
      target: configuration.target, connections: configuration.connections,
      connectionsEstablished: counters.connectionsEstablished, connectionsLost: counters.connectionsLost,
      duration: max(measured, .zero), sent: counters.sent, received: counters.received,
      inFlight: counters.inFlight, bytesSent: counters.bytesSent, bytesReceived: counters.bytesReceived,
      errors: counters.errors, latency: total.latency, rampSteps: steps, mode: configuration.mode,
      requestedRate: configuration.rate, scheduleLag: counters.scheduleLag,
      serverStoppedAnswering: counters.serverStoppedAnswering, replyTimeout: configuration.replyTimeout,
      windowStart: windowStart + start)
  }
}
