/// Finds the highest open-loop rate whose 99th percentile latency stays under a target, as
/// tcpkali's `-r @Latency` does: short runs at doubling rates until one fails, then bisection
/// between the last rate that passed and the first that failed.
public struct RateSearch: Sendable {
  /// The p99 latency a rate must stay under.
  public var targetP99: Duration
  /// The length of each trial's measured window.
  public var trialDuration: Duration = .seconds(2)
  /// The warmup before each trial's window.
  public var trialWarmup: Duration = .milliseconds(500)
  /// The first rate tried, in messages per second.
  public var startRate: Double = 1000
  /// The most trials run.
  public var maximumTrials = 16
  /// The search stops once the bracket is narrower than this fraction of the failing rate.
  public var precision = 0.05

  /// A search for `targetP99` with the default trial settings.
  public init(targetP99: Duration) {
    self.targetP99 = targetP99
  }

  /// One trial: the rate tried and what it measured.
  public struct Trial: Sendable {
    /// The rate asked for.
    public var rate: Double
    /// What the run measured.
    public var report: LoadReport
    /// Whether the rate was carried (at least 95% of it received, nothing lost) under the target.
    public var passed: Bool
  }

  /// The outcome: every trial in order and the best rate that passed.
  public struct Outcome: Sendable {
    /// The trials, in the order they ran.
    public var trials: [Trial]
    /// The highest passing trial, if any passed.
    public var best: Trial? {
      trials.filter(\.passed).max { $0.rate < $1.rate }
    }
  }

  /// Runs the search, each trial with `base` at a different rate; `trialDone` sees each one.
  public func run(
    base: LoadConfiguration, trialDone: @Sendable (Trial) -> Void = { _ in }
  ) async throws -> Outcome {
    var trials: [Trial] = []
    var passing = 0.0
    var failing: Double?
    var rate = startRate
    while trials.count < maximumTrials {
      var configuration = base
      configuration.rate = rate
      configuration.pipeline = 1
      configuration.requests = nil
      configuration.duration = trialDuration
      configuration.warmup = trialWarmup
      let report = try await LoadGenerator(configuration).run()
      let trial = Trial(rate: rate, report: report, passed: passes(report, at: rate))
      trials.append(trial)
      trialDone(trial)
      if trial.passed { passing = rate } else { failing = rate }
      guard let failing else {
        rate *= 2
        continue
      }
      if (failing - passing) <= precision * failing { break }
      rate = (passing + failing) / 2
    }
    return Outcome(trials: trials)
  }

  private func passes(_ report: LoadReport, at rate: Double) -> Bool {
    let targetMicros = targetP99.seconds * 1e6
    return report.latencySummary.p99 <= targetMicros && report.messagesPerSecond >= 0.95 * rate
      && report.errors.total == 0
  }
}
