import ArgumentParser
import EddyCodecs
import EddyLoadGen
import EddyReactor
import EddyTLS
import EddyTLSReactor
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `loadgen`: applies load to any server (an echo server, a request/response server such as Redis
/// or memcached, or a sink) and reports throughput, latency and exact counts.
struct LoadgenCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "loadgen",
    abstract: "An Eddy load generator: closed- or open-loop load with per-message latency.",
    discussion: """
      TARGET is PORT (meaning 127.0.0.1:PORT), HOST:PORT, [IPV6]:PORT or unix:PATH. \
      Without --rate the load is a closed loop keeping --pipeline messages outstanding per \
      connection; with --rate it is an open loop whose latency is measured from each message's \
      scheduled send time. --mode echo expects each message back; --mode request expects one \
      reply per --message, framed by the codec stack, --reply-frames, --reply-until or \
      --reply-bytes; --mode sink only sends. Every message sent is answered, timed out \
      (--reply-timeout) or in flight at the end, and a run ends by writing EOF and reading until \
      the server closes. Progress goes to standard error once a second, the summary to \
      standard output; with --json the last line of standard output is one JSON object. \
      Ctrl-C or SIGTERM ends the run early and still reports it. `loadgen merge FILE...` \
      combines saved --json results and --hlog logs of many runs or hosts; `loadgen report \
      FILE... --html OUT` draws them, with --intervals files, on one self-contained HTML page.
      """,
    // Listed for the help; ``LoadgenMain`` sends `merge` and `report` there, since TARGET would
    // take the word.
    subcommands: [MergeCommand.self, ReportCommand.self])

  @Argument(help: "PORT, HOST:PORT, [IPV6]:PORT or unix:PATH.")
  var target: String

  @Option(
    parsing: .unconditional, help: ArgumentHelp("Connections to open.", valueName: "n"))
  var connections = 16

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("Event loops (threads); default: the number of cores.", valueName: "n"))
  var loops: Int?

  @Option(
    help: ArgumentHelp(
      "How the loops learn of ready sockets: epoll, io_uring, or auto (io_uring where the kernel allows it, else epoll). Default: $EDDY_BACKEND, else epoll.",
      valueName: "backend"))
  var backend: String?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Seconds of measured load (default 10; with --requests, a time limit).", valueName: "seconds"))
  var duration: Double?

  @Option(
    parsing: .unconditional, help: ArgumentHelp("Messages to send in total, then stop.", valueName: "n"))
  var requests: Int?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("Seconds of load before measuring; nothing in them is counted.", valueName: "seconds"))
  var warmup: Double = 0

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Messages per second in total, on a fixed schedule (open loop).", valueName: "per-second"))
  var rate: Double?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("Messages outstanding per connection (closed loop; default 1).", valueName: "k"))
  var pipeline: Int?

  @Option(
    name: .customLong("payload-size"), parsing: .unconditional,
    help: ArgumentHelp("Bytes per message.", valueName: "bytes"))
  var payloadSize = 64

  @Option(
    name: .customLong("payload-file"),
    help: ArgumentHelp("Send the contents of this file as every message.", valueName: "path"))
  var payloadFile: String?

  @Option(
    help: ArgumentHelp(
      "Codec stack from the wire upward, layers joined by commas, each NAME[:KEY=VALUE...]; raw: none.",
      discussion: """
        Layers, lowest first: tls (no keys; as --tls), zlib (format=zlib|gzip|raw, level=0..9, \
        window=9..15, memory=1..9, max-ratio=N), then one of line (delimiter=lf|crlf|nul|0xHH..., \
        max=BYTES) or length-prefix (width=1|2|3|4|8, endian=big|little, offset=N, adjust=N, \
        strip=N|header, max=BYTES). Examples: line:delimiter=crlf, zlib:format=gzip:level=1,line, \
        length-prefix:width=2:endian=little, tls,line.
        """,
      valueName: "stack"))
  var codec = "raw"

  @Option(
    name: .customLong("max-frame"), parsing: .unconditional,
    help: ArgumentHelp("Largest frame accepted: the default max of length-prefix.", valueName: "bytes"))
  var maxFrame = 16 * 1024 * 1024

  @Flag(help: "Check every echoed byte against what was sent.")
  var verify = false

  @Option(
    help: ArgumentHelp(
      "echo (replies are echoes), request (one reply per message, whatever it is) or sink (send only).",
      valueName: "echo|request|sink"))
  var mode = "echo"

  @Option(
    parsing: .unconditionalSingleValue,
    help: ArgumentHelp(
      "A message to send (request mode; repeatable, sent in turn or by --ratio).",
      discussion: """
        Escapes \\r \\n \\t \\\\ \\xHH; templates {conn} (connection number), {seq} (message number on \
        the connection), {rand:LO-HI} (uniform, inclusive); {{ is a literal brace. Each message is one \
        frame for the codec stack (under line, the delimiter is added).
        """, valueName: "text"))
  var message: [String] = []

  @Option(
    name: .customLong("message-file"),
    help: ArgumentHelp("One message per line, as if each were a --message.", valueName: "path"))
  var messageFile: String?

  @Option(
    help: ArgumentHelp(
      "Choose messages at random with these weights, one per message.", valueName: "w1:w2:..."))
  var ratio: String?

  @Option(
    name: .customLong("reply-until"), parsing: .unconditionalSingleValue,
    help: ArgumentHelp(
      "A reply ends with the first frame equal to TEXT (under raw: with the bytes TEXT); repeatable: any of them.",
      valueName: "text"))
  var replyUntil: [String] = []

  @Option(
    name: .customLong("reply-frames"), parsing: .unconditional,
    help: ArgumentHelp("A reply is this many frames (default 1).", valueName: "n"))
  var replyFrames: Int?

  @Option(
    name: .customLong("reply-bytes"), parsing: .unconditional,
    help: ArgumentHelp("A reply is this many bytes (raw).", valueName: "n"))
  var replyBytes: Int?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("The first frame of every reply must equal TEXT.", valueName: "text"))
  var expect: String?

  @Option(
    name: .customLong("expect-prefix"), parsing: .unconditional,
    help: ArgumentHelp("The first frame of every reply must begin with TEXT.", valueName: "text"))
  var expectPrefix: String?

  @Option(
    name: .customLong("reply-timeout"), parsing: .unconditional,
    help: ArgumentHelp(
      "Seconds a message may wait for its reply; no reply at all for this long ends the run (exit 1).",
      valueName: "seconds"))
  var replyTimeout: Double = 5

  @Option(
    name: .customLong("drain-timeout"), parsing: .unconditional,
    help: ArgumentHelp(
      "Seconds to wait at the end for the last replies and for the server to close.", valueName: "seconds"))
  var drainTimeout: Double = 2

  @Option(
    name: .customLong("connect-rate"), parsing: .unconditional,
    help: ArgumentHelp("New connections per second (default: all at once).", valueName: "per-second"))
  var connectRate: Double?

  @Option(
    name: .customLong("connect-timeout"), parsing: .unconditional,
    help: ArgumentHelp("Seconds one connection attempt may take.", valueName: "seconds"))
  var connectTimeout: Double = 10

  @Option(
    name: .customLong("find-rate"), parsing: .unconditional,
    help: ArgumentHelp(
      "Find the highest rate whose p99 stays under this many milliseconds.", valueName: "p99-ms"))
  var findRate: Double?

  @Option(
    help: ArgumentHelp(
      "Add STEP_CONNECTIONS every STEP_SECONDS up to --connections, reporting each step.",
      valueName: "step-connections,step-seconds"))
  var ramp: String?

  @Option(help: ArgumentHelp("Client behaviour to apply.", valueName: "slow-reader|half-close"))
  var scenario: String?

  @Flag(help: "Print one JSON object as the last line of standard output.")
  var json = false

  @Option(
    name: .customLong("histogram-out"),
    help: ArgumentHelp(
      "Write the HdrHistogram percentile distribution (microseconds) here.", valueName: "path"))
  var histogramOut: String?

  @Option(
    name: .customLong("fail-if"), parsing: .unconditionalSingleValue,
    help: ArgumentHelp(
      "Exit 3 when the run does not satisfy METRIC OP NUMBER[UNIT] (repeatable).",
      discussion: """
        METRIC: p50 p90 p99 p999 max mean (latency; UNIT us, ms or s, default us), rate (msg/s), \
        errors (count), error_rate (errors / sent); OP: < <= > >= ==. Examples: p99<5ms, \
        rate>=10000, errors==0, error_rate<0.001. Every threshold is listed in the summary and the \
        JSON with its measured value; a run that exits 1 for another reason still exits 1.
        """, valueName: "expr"))
  var failIf: [String] = []

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Seconds between progress reports and between --intervals records.", valueName: "seconds"))
  var interval: Double = 1

  @Option(
    help: ArgumentHelp(
      "Write one JSON object per interval here (JSON Lines), each of that interval alone.",
      discussion: """
        Members: t_s (the interval's start, seconds since the measured window began), length_s, sent, \
        received, errors, msgs_per_s and latency_us {p50, p99, max}. The last record covers the end \
        of the window after the last whole interval; warmup intervals are not written.
        """, valueName: "path"))
  var intervals: String?

  @Option(
    help: ArgumentHelp(
      "Write an HdrHistogram interval log here: one latency histogram (microseconds) per interval.",
      discussion: """
        The standard format (#[StartTime: ...] and #[BaseTime: ...] headers, a legend, then \
        START,LENGTH,MAX,HISTOGRAM lines in the compressed V2 encoding, base64), readable by \
        HdrHistogram's log readers and by loadgen merge. MAX is in microseconds too.
        """, valueName: "path"))
  var hlog: String?

  @Option(
    name: .customLong("start-at"),
    help: ArgumentHelp(
      "Connect, then wait until TIME to begin (the warmup first), so that many hosts start together.",
      discussion:
        "TIME: UNIX seconds (1764652800.5) or RFC 3339 in UTC (2025-12-02T05:20:00Z); a past TIME exits 2.",
      valueName: "time"))
  var startAt: String?

  @Flag(help: "No progress lines (and, with --json, no summary).")
  var quiet = false

  @Flag(help: "Run TLS under the codec stack (as a tls layer first in --codec).")
  var tls = false

  @Option(
    name: .customLong("tls-ca"), help: ArgumentHelp("Trust the CAs in this PEM file.", valueName: "pem"))
  var tlsCA: String?

  @Flag(name: .customLong("tls-insecure"), help: "Verify nothing of the server's certificate.")
  var tlsInsecure = false

  @Option(
    name: .customLong("tls-server-name"),
    help: ArgumentHelp("Name sent for SNI and checked in the certificate.", valueName: "name"))
  var tlsServerName: String?

  func validate() throws {
    do {
      _ = try makeConfiguration()
    } catch let error as LoadConfigurationError {
      throw usageFailure(error.description)
    } catch let error as OptionValue.Refused {
      throw usageFailure(error.description)
    } catch let error as ValidationError {
      throw usageFailure(error.message)
    }
    if findRate != nil && (rate != nil || requests != nil || ramp != nil) {
      throw usageFailure("--find-rate chooses the rate itself: drop --rate, --requests and --ramp")
    }
    if findRate != nil && (intervals != nil || hlog != nil) {
      throw usageFailure("--find-rate runs many trials: drop --intervals and --hlog")
    }
    do {
      _ = try thresholds()
    } catch {
      throw usageFailure(error.description)
    }
    if let startAt, let time = try? StartTime.parse(startAt) {
      let now = WallClock.now()
      if time <= now {
        throw usageFailure(
          "--start-at \(startAt): that time has passed (it is \(FixedPoint.format(now, 3)) now)")
      }
      if time - now > OptionValue.maxSeconds {
        throw usageFailure("--start-at \(startAt): more than a year from now")
      }
    }
    if findRate != nil && startAt != nil {
      throw usageFailure("--find-rate runs many trials: drop --start-at")
    }
  }

  func run() async throws {
    let configuration = try makeConfiguration()
    do {
      if let findRate {
        try await search(configuration, targetMilliseconds: findRate)
      } else {
        try await single(configuration)
      }
    } catch let error as LoadGeneratorError {
      try fail("loadgen: \(error)")
    }
  }

  private func single(_ configuration: LoadConfiguration) async throws {
    let progress = quiet ? nil : ProgressLine()
    let intervalLog = try intervals.map { try open($0, option: "intervals") }
    let histogramLog = try hlog.map { try open($0, option: "hlog") }
    // The header needs the window's start, which the first interval brings.
    let headerWritten = Mutex(false)
    let generator = try LoadGenerator(configuration)
    let interrupts = try StopOnInterrupt { generator.stop() }
    defer { interrupts.cancel() }
    let every = try OptionValue.seconds(interval, option: "interval", minimum: 0.01)
    let report = try await generator.run(progressInterval: every) { update in
      if !update.isLast { progress?.show(update) }
      let interval = update.interval
      guard !interval.isWarmup else { return }
      intervalLog?.write(interval.json)
      if let histogramLog {
        headerWritten.withLock { written in
          if !written { HistogramLog.header(startTime: interval.windowStart).forEach(histogramLog.write) }
          written = true
        }
        histogramLog.write(
          HistogramLog.line(
            start: interval.start.seconds, length: interval.length.seconds, histogram: interval.latency))
      }
    }
    progress?.finish()
    let outcomes = try thresholds().map { $0.evaluate(report) }
    try emit(report, extra: [], thresholds: outcomes)
    if let intervalLog { try checkWritten(intervalLog, option: "intervals") }
    if let histogramLog { try checkWritten(histogramLog, option: "hlog") }
    try checkOutcome(report, verifying: configuration.verify)
    try checkThresholds(outcomes)
  }

  /// Opens a file the run writes as it goes; one that cannot be written ends the command with
  /// status 1 before anything connects.
  private func open(_ path: String, option: String) throws -> LineFile {
    do {
      return try LineFile(path: path)
    } catch {
      try fail("loadgen: --\(option): cannot write \(path): errno \(error.errno)")
    }
  }

  /// Ends with status 1, after the report, when a line could not be written to `file`.
  private func checkWritten(_ file: LineFile, option: String) throws {
    if let failure = file.failure {
      try fail("loadgen: --\(option): cannot write \(file.path): errno \(failure)")
    }
  }

  private func search(_ configuration: LoadConfiguration, targetMilliseconds: Double) async throws {
    let search = RateSearch(targetP99: .microseconds(Int64(targetMilliseconds * 1000)))
    let quiet = quiet
    let outcome = try await search.run(base: configuration) { trial in
      guard !quiet else { return }
      let p99 = trial.report.latencySummary.p99
      ProgressLine.toStandardError(
        "rate \(Int(trial.rate))/s: \(Int(trial.report.messagesPerSecond)) msg/s, p99 \(Int(p99)) us, "
          + "\(trial.report.errors.total) errors: \(trial.passed ? "under" : "over") the target\n")
    }
    let trials =
      "["
      + outcome.trials.map { trial in
        JSONText.object([
          ("rate", JSONText.number(trial.rate)),
          ("msgs_per_s", JSONText.number(trial.report.messagesPerSecond)),
          ("p99_us", JSONText.number(trial.report.latencySummary.p99)),
          ("passed", trial.passed ? "true" : "false"),
        ])
      }.joined(separator: ",") + "]"
    let extra = [
      (key: "find_rate_p99_ms", value: JSONText.number(targetMilliseconds)),
      (key: "found_rate", value: outcome.best.map { JSONText.number($0.rate) } ?? "null"),
      (key: "trials", value: trials),
    ]
    guard let best = outcome.best else {
      if json { print(outcome.trials.last!.report.json(extra: extra)) }
      try fail(
        "loadgen: no rate tried kept p99 under \(targetMilliseconds) ms (lowest tried: \(Int(outcome.trials.map(\.rate).min() ?? 0))/s)"
      )
    }
    if !(json && self.quiet) {
      print("highest rate with p99 under \(targetMilliseconds) ms: \(Int(best.rate)) msg/s")
    }
    let outcomes = try thresholds().map { $0.evaluate(best.report) }
    try emit(best.report, extra: extra, thresholds: outcomes)
    try checkThresholds(outcomes)
  }

  /// Prints the summary (with the thresholds' outcomes) and JSON, then writes the histogram
  /// file: a file that cannot be written ends the run with status 1 after the report, which is
  /// never lost.
  private func emit(
    _ report: LoadReport, extra: [(key: String, value: String)], thresholds: [ThresholdOutcome]
  ) throws {
    if !(json && quiet) {
      print(([report.summary] + thresholds.map(\.summaryLine)).joined(separator: "\n"))
    }
    let members =
      thresholds.isEmpty
      ? extra
      : extra + [(key: "thresholds", value: "[" + thresholds.map(\.json).joined(separator: ",") + "]")]
    if json { print(report.json(extra: members)) }
    fflush(nil)
    if let histogramOut, !writeHistogram(report, to: histogramOut) {
      try fail("loadgen: --histogram-out: cannot write \(histogramOut): errno \(errno)")
    }
  }

  private func checkOutcome(_ report: LoadReport, verifying: Bool) throws {
    if report.serverStoppedAnswering {
      try fail(
        "loadgen: the server stopped answering: no reply for \(report.replyTimeout.seconds) s "
          + "(\(report.errors[.replyTimeout]) messages timed out)")
    }
    if report.errors[.replyMismatch] > 0 {
      try fail("loadgen: \(report.errors[.replyMismatch]) replies did not match --expect/--expect-prefix")
    }
    let mismatches = report.errors[.verifyMismatch]
    if verifying && mismatches > 0 {
      try fail("loadgen: --verify: \(mismatches) replies differed from the messages sent")
    }
    if report.everyConnectionFailed {
      try fail(
        "loadgen: every connection failed (\(report.connectionsLost) of \(report.connectionsEstablished) lost)"
      )
    }
  }

  /// The `--fail-if` thresholds, parsed; a latency threshold needs latencies to measure.
  private func thresholds() throws(LoadConfigurationError) -> [LoadThreshold] {
    let parsed = try failIf.map { text throws(LoadConfigurationError) in try LoadThreshold(parsing: text) }
    if mode == LoadMode.sink.rawValue, let latency = parsed.first(where: \.metric.isLatency) {
      throw .invalidSetting("--fail-if '\(latency.expression)': --mode sink measures no latency")
    }
    return parsed
  }

  /// Ends with status 3, after everything was reported, when a threshold failed.
  private func checkThresholds(_ outcomes: [ThresholdOutcome]) throws {
    let failed = outcomes.filter { !$0.passed }
    guard !failed.isEmpty else { return }
    fflush(nil)
    ProgressLine.toStandardError(
      "loadgen: --fail-if: \(failed.count) of \(outcomes.count) thresholds failed: "
        + failed.map { "\($0.threshold.expression) (measured \($0.threshold.metric.format($0.value)))" }
        .joined(separator: ", ") + "\n")
    throw ExitCode(3)
  }

  /// Writes the percentile distribution to `path`; false when it cannot.
  private func writeHistogram(_ report: LoadReport, to path: String) -> Bool {
    var text = ""
    report.latency.outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1)
    guard let file = fopen(path, "w") else { return false }
    let written = fputs(text, file) >= 0
    return fclose(file) == 0 && written
  }

  private func makeConfiguration() throws -> LoadConfiguration {
    var configuration = LoadConfiguration(target: try LoadTarget(parsing: target))
    configuration.connections = try OptionValue.count(
      connections, option: "connections", range: 1...1_000_000)
    try DescriptorLimit.ensure(for: connections)
    configuration.loops = try OptionValue.count(loops ?? Self.coreCount, option: "loops", range: 1...1024)
    configuration.backend = try backend.map { name throws(OptionValue.Refused) in
      guard let backend = EventLoopBackend(rawValue: name) else {
        throw OptionValue.Refused(
          option: "backend", reason: "expected \(EventLoopBackend.names), not \(name)")
      }
      return backend
    }
    configuration.requests = try requests.map {
      try OptionValue.count($0, option: "requests", range: 1...1_000_000_000_000)
    }
    configuration.duration =
      try duration.map { try OptionValue.seconds($0, option: "duration", exclusive: true) }
      ?? (requests == nil ? .seconds(10) : nil)
    configuration.warmup = try OptionValue.seconds(warmup, option: "warmup")
    _ = try OptionValue.seconds(interval, option: "interval", minimum: 0.01)
    configuration.rate = try rate.map { try OptionValue.rate($0, option: "rate", range: 0.001...100_000_000) }
    if rate != nil && pipeline != nil {
      throw ValidationError("--rate (open loop) and --pipeline (closed loop) exclude each other")
    }
    configuration.pipeline = try OptionValue.count(pipeline ?? 1, option: "pipeline", range: 1...65_536)
    if let payloadFile {
      configuration.payload = try Self.read(payloadFile, option: "payload-file")
      guard !configuration.payload.isEmpty else {
        throw ValidationError("--payload-file \(payloadFile) is empty")
      }
    } else {
      _ = try OptionValue.count(payloadSize, option: "payload-size", range: 1...(64 * 1024 * 1024))
      configuration.payload = LoadConfiguration.defaultPayload(size: payloadSize)
    }
    configuration.codec = codec
    configuration.maxFrame = try OptionValue.count(maxFrame, option: "max-frame", range: 1...(1 << 30))
    configuration.verify = verify
    guard let parsedMode = LoadMode(rawValue: mode) else {
      throw OptionValue.Refused(option: "mode", reason: "must be echo, request or sink, not '\(mode)'")
    }
    configuration.mode = parsedMode
    try readRequests(into: &configuration)
    configuration.replyTimeout = try OptionValue.seconds(
      replyTimeout, option: "reply-timeout", exclusive: true)
    configuration.drainTimeout = try OptionValue.seconds(drainTimeout, option: "drain-timeout")
    configuration.connectRate = try connectRate.map {
      try OptionValue.rate($0, option: "connect-rate", range: 0.001...100_000_000)
    }
    configuration.connectTimeout = try OptionValue.seconds(
      connectTimeout, option: "connect-timeout", exclusive: true)
    if let scenario {
      guard let parsed = LoadScenario(rawValue: scenario) else {
        throw ValidationError("--scenario must be slow-reader or half-close")
      }
      configuration.scenario = parsed
    }
    configuration.ramp = try ramp.map { try LoadRamp(parsing: $0) }
    configuration.startAt = try startAt.map { text throws(LoadConfigurationError) in try StartTime.parse(text)
    }
    configuration.tls = try makeTLS(configuration.target, named: try stack().usesTLS)
    if let findRate {
      guard findRate.isFinite, findRate > 0, findRate <= 1_000_000 else {
        throw OptionValue.Refused(
          option: "find-rate", reason: "the p99 target must be between 0 and 1000000 ms")
      }
      configuration.duration = .seconds(2)
    }
    try configuration.validate()
    return configuration
  }

  /// The request-mode options: messages, their mix, where replies end and what they must be.
  private func readRequests(into configuration: inout LoadConfiguration) throws {
    var messages = try message.map { try LoadMessage(parsing: $0) }
    if let messageFile {
      let text = String(decoding: try Self.read(messageFile, option: "message-file"), as: UTF8.self)
      for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
        messages.append(try LoadMessage(parsing: String(line), option: "message-file"))
      }
    }
    if !messages.isEmpty || ratio != nil {
      let weights = try ratio.map { try MessageMix.weights(parsing: $0, messageCount: messages.count) }
      configuration.messages = MessageMix(messages: messages, weights: weights)
    }
    let rules =
      [replyFrames.map { _ in "--reply-frames" }, replyBytes.map { _ in "--reply-bytes" }]
      .compactMap { $0 } + (replyUntil.isEmpty ? [] : ["--reply-until"])
    if rules.count > 1 { throw ValidationError("\(rules.joined(separator: ", ")) exclude each other") }
    if let replyFrames {
      configuration.reply = .frames(
        try OptionValue.count(replyFrames, option: "reply-frames", range: 1...1_000_000))
    } else if let replyBytes {
      configuration.reply = .bytes(
        try OptionValue.count(replyBytes, option: "reply-bytes", range: 1...(64 * 1024 * 1024)))
    } else if !replyUntil.isEmpty {
      configuration.reply = .until(try replyUntil.map { try LoadText.bytes($0, option: "reply-until") })
    }
    if expect != nil && expectPrefix != nil {
      throw ValidationError("--expect and --expect-prefix exclude each other")
    }
    if let expect {
      configuration.expectation = .equal(try LoadText.bytes(expect, option: "expect"))
    } else if let expectPrefix {
      configuration.expectation = .prefix(try LoadText.bytes(expectPrefix, option: "expect-prefix"))
    }
  }

  /// The codec stack `--codec` names (the generator parses it again, with the same parser).
  private func stack() throws(LoadConfigurationError) -> CodecStack {
    do {
      return try CodecStack(parsing: codec, maxFrameLength: maxFrame)
    } catch {
      throw .unknownCodec("--codec: \(error)")
    }
  }

  /// The TLS client `--tls` (or a `tls` layer in `--codec`, `named`) asks for; the server name
  /// defaults to the target's host.
  private func makeTLS(_ target: LoadTarget, named: Bool) throws -> LoadTLS? {
    guard tls || named else {
      if tlsCA != nil || tlsInsecure || tlsServerName != nil {
        throw ValidationError("--tls-ca, --tls-insecure and --tls-server-name need --tls (or tls in --codec)")
      }
      return nil
    }
    if tlsCA != nil && tlsInsecure { throw ValidationError("--tls-ca and --tls-insecure exclude each other") }
    var name = tlsServerName
    if name == nil, case .tcp(let host, _) = target { name = host }
    do {
      let context = try TLSContext(
        .client(caPath: tlsCA, insecure: tlsInsecure, serverName: name, timer: .eventLoop))
      return LoadTLS(context: context, serverName: name)
    } catch {
      throw ValidationError("--tls: \(error)")
    }
  }

  private static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

  private static func read(_ path: String, option: String) throws -> [UInt8] {
    guard let bytes = WholeFile.readBytes(path) else {
      throw ValidationError("cannot read --\(option) \(path): errno \(errno)")
    }
    return bytes
  }

  /// Reports a usage error on standard error; the returned exit code (2) ends the command.
  private func usageFailure(_ message: String) -> ExitCode {
    fflush(nil)
    ProgressLine.toStandardError("loadgen: \(message)\n")
    return ExitCode(2)
  }

  /// Reports `message` on standard error and ends with status 1.
  private func fail(_ message: String) throws -> Never {
    fflush(nil)
    ProgressLine.toStandardError(message + "\n")
    throw ExitCode.failure
  }
}
