import EddyLoadGen
import Testing

@Suite struct RateSearchTests {
  @Test func doublesUntilATrialFailsThenBisects() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    // A 1 ns target no real reply meets: the first trial fails, then the search bisects down.
    var search = RateSearch(targetP99: .nanoseconds(1))
    search.trialDuration = .milliseconds(200)
    search.trialWarmup = .milliseconds(50)
    search.startRate = 400
    search.maximumTrials = 3
    let outcome = try await search.run(base: testConfiguration(server.target))
    #expect(outcome.trials.map(\.rate) == [400, 200, 100])
    #expect(outcome.trials.allSatisfy { !$0.passed })
    #expect(outcome.best == nil)
  }

  @Test func aGenerousTargetPassesAndKeepsDoubling() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var search = RateSearch(targetP99: .seconds(5))
    search.trialDuration = .seconds(1)
    search.trialWarmup = .milliseconds(50)
    search.startRate = 400
    search.maximumTrials = 2
    let outcome = try await search.run(base: testConfiguration(server.target))
    #expect(outcome.trials.map(\.rate) == [400, 800])
    #expect(outcome.best?.rate == 800)
    #expect(outcome.trials.allSatisfy { $0.report.sent > 0 && $0.report.requestedRate == $0.rate })
  }
}
