import EddyReactor
import Metrics

/// The metrics of one event loop, on swift-metrics: its lag and the work it does, labelled
/// `loop="NAME"` (the loop's name, so as many values as the program has loops).
///
/// | metric | type | what |
/// |---|---|---|
/// | `eddy_loop_turns_total` | counter | turns: waits for readiness and the work after each |
/// | `eddy_loop_tasks_total` | counter | ready descriptors dispatched, work handed over from other threads, timers fired and callbacks run |
/// | `eddy_loop_busy_nanoseconds_total` | counter | time spent in turns after their waits returned |
/// | `eddy_loop_lag` | timer | the longest turn of each report interval, after its wait: the longest a descriptor that became ready waited for the loop to look at it |
///
/// The loop tells it of every turn (``/EddyReactor/EventLoopTurnObserver``); it adds into plain
/// integers there and hands the backend what they grew by every `reportInterval`, from a timer on
/// the loop, so no turn calls into the backend. Install it with ``install(on:reportInterval:factory:)-(EventLoop,_,_)``.
public final class EventLoopMetrics: EventLoopTurnObserver {
  private let turns: Counter
  private let tasks: Counter
  private let busy: Counter
  private let lag: Timer
  private var turnsSinceReport = 0
  private var tasksSinceReport = 0
  private var busySinceReport: UInt64 = 0
  private var longestTurnSinceReport: UInt64 = 0

  private init(loopName: String, factory: any MetricsFactory) {
    let dimensions = [("loop", loopName)]
    turns = Counter(label: "eddy_loop_turns_total", dimensions: dimensions, factory: factory)
    tasks = Counter(label: "eddy_loop_tasks_total", dimensions: dimensions, factory: factory)
    busy = Counter(label: "eddy_loop_busy_nanoseconds_total", dimensions: dimensions, factory: factory)
    lag = Timer(label: "eddy_loop_lag", dimensions: dimensions, factory: factory)
  }

  /// Makes `loop` report its turns to metrics made by `factory` (by default the one
  /// `MetricsSystem` was bootstrapped with), every `reportInterval`; safe from any thread, it
  /// takes effect on the loop's thread, as its ``/EddyReactor/EventLoop/turnObserver``. The
  /// reports stop once another observer takes its place.
  public static func install(
    on loop: EventLoop, reportInterval: Duration = .seconds(1),
    factory: any MetricsFactory = MetricsSystem.factory
  ) {
    loop.execute {
      let metrics = EventLoopMetrics(loopName: loop.name, factory: factory)
      loop.turnObserver = metrics
      metrics.scheduleReport(on: loop, every: max(reportInterval, .milliseconds(1)))
    }
  }

  /// ``install(on:reportInterval:factory:)-(EventLoop,_,_)`` on every loop of `group`.
  public static func install(
    on group: EventLoopGroup, reportInterval: Duration = .seconds(1),
    factory: any MetricsFactory = MetricsSystem.factory
  ) {
    for loop in group.loops { install(on: loop, reportInterval: reportInterval, factory: factory) }
  }

  /// Adds the turn to the counts of this interval.
  public func turnEnded(busyNanoseconds: UInt64, tasksRun: Int) {
    turnsSinceReport &+= 1
    tasksSinceReport &+= tasksRun
    busySinceReport &+= busyNanoseconds
    if busyNanoseconds > longestTurnSinceReport { longestTurnSinceReport = busyNanoseconds }
  }

  private func scheduleReport(on loop: EventLoop, every interval: Duration) {
    loop.callLater(after: interval) { [self] in
      guard loop.turnObserver === self else { return }
      report()
      scheduleReport(on: loop, every: interval)
    }
  }

  /// Hands the backend this interval's counts and its longest turn.
  private func report() {
    guard turnsSinceReport > 0 else { return }
    turns.increment(by: turnsSinceReport)
    tasks.increment(by: tasksSinceReport)
    busy.increment(by: Int64(clamping: busySinceReport))
    lag.recordNanoseconds(Int64(clamping: longestTurnSinceReport))
    turnsSinceReport = 0
    tasksSinceReport = 0
    busySinceReport = 0
    longestTurnSinceReport = 0
  }
}
