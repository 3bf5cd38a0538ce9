import EddyLoadGen
import EddyTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite(.serialized) struct LoadGeneratorTests {
  /// Every counted message is received, in flight, or lost; nothing else.
  private func expectBalanced(_ report: LoadReport) {
    #expect(report.sent == report.received + report.inFlight + report.errors[.lostMessage])
  }

  @Test func closedLoopCountsMatchWhatTheServerCounted() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.pipeline = 4
    let report = try await LoadGenerator(configuration).run()
    #expect(report.connectionsEstablished == 4)
    #expect(report.sent > 0)
    #expect(report.errors.total == 0)
    #expect(report.received == report.sent)
    expectBalanced(report)
    #expect(report.duration == .seconds(1))
    #expect(await eventually { server.messages(of: 64) == report.sent })
    #expect(server.messages(of: 64) == report.sent)
    #expect(report.bytesSent == report.sent * 64)
    #expect(report.latency.totalCount == UInt64(report.received))
    #expect(report.scheduleLag == nil)
  }

  @Test(arguments: [1, 7])
  func requestsSendsExactlyThatMany(pipeline: Int) async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.connections = 3
    configuration.requests = 1001
    configuration.pipeline = pipeline
    configuration.duration = .seconds(20)
    let report = try await LoadGenerator(configuration).run()
    #expect(report.sent == 1001)
    #expect(report.received == 1001)
    #expect(report.inFlight == 0)
    #expect(report.errors.total == 0)
    #expect(await eventually { server.messages(of: 64) == 1001 })
    #expect(server.counts.bytes.load(ordering: .relaxed) == 1001 * 64)
  }

  @Test func openLoopHoldsTheRequestedRate() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.rate = 2000
    configuration.duration = .seconds(2)
    let report = try await LoadGenerator(configuration).run()
    // The schedule is fixed: 2,000/s for 2 s is 4,000 messages whatever the machine's speed.
    #expect(abs(report.sent - 4000) <= 40)
    #expect(abs(report.messagesPerSecond - 2000) <= 60)
    let lag = try #require(report.scheduleLag)
    #expect(lag.max >= lag.mean)
    #expect(report.errors.total == 0)
    expectBalanced(report)
    #expect(await eventually { server.messages(of: 64) == report.sent })
  }

  @Test func verifyCatchesOneCorruptedByte() async throws {
    let server = try CountingEchoServer(corruptOffset: 64 * 10 + 5)
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.requests = 200
    configuration.verify = true
    let report = try await LoadGenerator(configuration).run()
    let corrupted = server.counts.corrupted.load(ordering: .relaxed)
    #expect(corrupted)
    #expect(report.errors[.verifyMismatch] == 1)
    #expect(report.received == 200)
  }

  @Test func verifyPassesAnHonestServer() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.requests = 500
    configuration.pipeline = 3
    configuration.payload = LoadConfiguration.defaultPayload(size: 1000)
    configuration.verify = true
    let report = try await LoadGenerator(configuration).run()
    #expect(report.errors.total == 0)
    #expect(report.received == 500)
  }

  @Test func unreachablePortFailsClearly() async throws {
    let closedPort = try CountingEchoServer()
    let port = closedPort.server.port!
    closedPort.stop()
    var configuration = testConfiguration(.tcp(host: "127.0.0.1", port: port))
    configuration.connectTimeout = .seconds(2)
    await #expect {
      _ = try await LoadGenerator(configuration).run()
    } throws: { error in
      guard case .noConnection(_, let reason) = error as? LoadGeneratorError else { return false }
      return reason.contains("refused")
    }
  }

  @Test func aServerThatDropsEveryConnectionEndsTheRunWithErrors() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.duration = .seconds(30)
    configuration.pipeline = 4
    let dropper = Task {
      try await Task.sleep(for: .milliseconds(300))
      server.server.abortClients()
    }
    let report = try await LoadGenerator(configuration).run()
    try await dropper.value
    #expect(report.everyConnectionFailed)
    #expect(report.connectionsLost == 4)
    #expect(report.errors[.connectionError] + report.errors[.closedByPeer] == 4)
    #expect(report.duration < .seconds(10))
    expectBalanced(report)
  }

  @Test func warmupIsExcludedFromEveryCount() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.warmup = .milliseconds(300)
    configuration.duration = .milliseconds(500)
    let report = try await LoadGenerator(configuration).run()
    #expect(report.sent > 0)
    expectBalanced(report)
    #expect(await eventually { server.messages(of: 64) > report.sent })
    #expect(report.latency.totalCount == UInt64(report.received))
  }

  @Test func requestsAfterAWarmupAreExactlyThatMany() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.warmup = .milliseconds(200)
    configuration.requests = 777
    configuration.duration = .seconds(20)
    let report = try await LoadGenerator(configuration).run()
    #expect(report.sent == 777)
    #expect(report.received == 777)
    // The warmup's messages reached the server too, but no count includes them.
    #expect(await eventually { server.messages(of: 64) > 777 })
  }

  @Test func stopEndsTheRunEarlyWithItsReport() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.duration = .seconds(30)
    let generator = try LoadGenerator(configuration)
    let stopper = Task {
      try await Task.sleep(for: .milliseconds(400))
      generator.stop()
    }
    let started = ContinuousClock.now
    let report = try await generator.run()
    try await stopper.value
    #expect(ContinuousClock.now - started < .seconds(10))
    #expect(report.duration > .milliseconds(300) && report.duration < .seconds(5))
    #expect(report.sent > 0)
    expectBalanced(report)
  }

  @Test func sinkModeSendsWhatTheServerReceives() async throws {
    let server = try CountingEchoServer(echoes: false)
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.mode = .sink
    configuration.requests = 50_000
    configuration.duration = .seconds(20)
    let report = try await LoadGenerator(configuration).run()
    #expect(report.sent == 50_000)
    #expect(report.received == 0)
    #expect(await eventually { server.messages(of: 64) == 50_000 })
  }

  @Test func halfCloseStillCountsEveryReply() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.scenario = .halfClose
    configuration.requests = 400
    configuration.pipeline = 5
    let report = try await LoadGenerator(configuration).run()
    #expect(report.received == 400)
    #expect(report.errors.total == 0)
    #expect(await eventually { server.counts.endsOfFile.load(ordering: .relaxed) == 4 })
  }

  @Test func slowReaderKeepsAccountsExact() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.scenario = .slowReader
    configuration.pipeline = 64
    configuration.payload = LoadConfiguration.defaultPayload(size: 4096)
    let report = try await LoadGenerator(configuration).run()
    #expect(report.sent > 0)
    #expect(report.errors.total == 0)
    expectBalanced(report)
    #expect(await eventually { server.messages(of: 4096) == report.sent })
  }

  @Test func rampAddsConnectionsAndReportsEachStep() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.connections = 4
    configuration.ramp = LoadRamp(stepConnections: 2, stepDuration: .milliseconds(500))
    let report = try await LoadGenerator(configuration).run()
    #expect(report.rampSteps.map(\.connections) == [2, 4])
    #expect(report.rampSteps.allSatisfy { $0.messages > 0 })
    #expect(report.rampSteps.reduce(0) { $0 + $1.messages } == report.received)
    #expect(report.duration == .seconds(1))
    #expect(server.counts.connections.load(ordering: .relaxed) == 4)
  }

  @Test func connectRateSpacesTheConnections() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.connections = 5
    configuration.connectRate = 40
    configuration.requests = 50
    let started = ContinuousClock.now
    let report = try await LoadGenerator(configuration).run()
    // At 40 per second the fifth connection starts 100 ms after the first.
    #expect(ContinuousClock.now - started >= .milliseconds(100))
    #expect(report.connectionsEstablished == 5)
    #expect(report.received == 50)
  }

  @Test func unixSocketTarget() async throws {
    let path = "/tmp/eddy-loadgen-\(getpid()).sock"
    let server = try CountingEchoServer(unixPath: path)
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.requests = 300
    let report = try await LoadGenerator(configuration).run()
    #expect(report.received == 300)
    #expect(await eventually { server.messages(of: 64) == 300 })
  }

  @Test func progressIsReportedWhileRunning() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    let seen = Recorder<LoadProgress>()
    var configuration = testConfiguration(server.target)
    configuration.duration = .milliseconds(700)
    _ = try await LoadGenerator(configuration).run(progressInterval: .milliseconds(200)) { seen.append($0) }
    // The last report comes after the run, whose connections are closed by then.
    let reports = seen.values.filter { !$0.isLast }
    #expect(reports.count >= 2)
    #expect(reports.allSatisfy { $0.connectionsUp == 4 && $0.errors == 0 })
    #expect(reports.contains { $0.messagesPerSecond > 0 })
  }
}

/// Progress intervals: each one's counts and latencies are its own, and together they are the run.
@Suite(.serialized) struct LoadIntervalTests {
  @Test func intervalsAddUpToTheRunAndStartAtTheWindow() async throws {
    let server = try CountingEchoServer()
    defer { server.stop() }
    let seen = Recorder<LoadProgress>()
    var configuration = testConfiguration(server.target)
    configuration.duration = .milliseconds(1100)
    configuration.warmup = .milliseconds(300)
    let report = try await LoadGenerator(configuration).run(progressInterval: .milliseconds(250)) {
      seen.append($0)
    }
    let progress = seen.values
    #expect(progress.last?.isLast == true)
    #expect(progress.dropLast().allSatisfy { !$0.isLast && $0.interval.length == .milliseconds(250) })
    let window = progress.filter { !$0.interval.isWarmup }
    #expect(progress.filter(\.interval.isWarmup).count == 2)
    #expect(window.map(\.interval.start) == (0..<5).map { .milliseconds(250 * $0) })
    #expect(window.last?.interval.length == .milliseconds(100))
    #expect(window.reduce(0) { $0 + $1.interval.sent } == report.sent)
    #expect(window.reduce(0) { $0 + $1.interval.received } == report.received)
    var merged = report.latency
    merged.reset()
    for item in window { merged.add(item.interval.latency) }
    #expect(merged == report.latency)
    for item in window where item.interval.latency.totalCount > 0 {
      #expect(item.p99 == LatencySummary(microseconds: item.interval.latency).p99)
    }
    #expect(
      report.received > 0 && window.allSatisfy { $0.interval.latency.totalCount < report.latency.totalCount })
  }
}
