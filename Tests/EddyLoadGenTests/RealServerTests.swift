import EddyTestSupport
import Foundation
import Testing

/// `loadgen --mode request` (and `sink`) against real servers that are not Eddy, each server's
/// own counters the reference: what loadgen says it sent is what the server processed.
@Suite(.serialized) struct RealServerTests {
  private static let loadgen = productsDirectory + "/loadgen"
  private static let load = ["--connections", "4", "--pipeline", "8", "--loops", "1", "--json", "--quiet"]

  /// Runs loadgen; returns its status, its JSON line and the process (for its standard error).
  private func runLoadgen(_ arguments: [String]) async throws -> (Int32?, [String: Any], ChildProcess) {
    let process = try ChildProcess(Self.loadgen, arguments)
    let status = await process.wait(seconds: 60)
    let last = process.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
    let object = try #require(
      try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any],
      "no JSON line: \(process.standardOutput) \(process.standardError)")
    return (status, object, process)
  }

  /// Runs `body` with a fresh server, which is stopped afterwards whatever happened.
  private func serving(
    _ start: () async throws -> PeerServer, _ body: (PeerServer) async throws -> Void
  ) async throws {
    let server = try await start()
    do {
      try await body(server)
    } catch {
      await server.stop()
      throw error
    }
    await server.stop()
  }

  private func count(_ json: [String: Any], _ key: String) -> Int { json[key] as? Int ?? -1 }

  private func errorCount(_ json: [String: Any], _ kind: String) -> Int {
    (json["errors_by_kind"] as? [String: Any])?[kind] as? Int ?? -1
  }

  /// Checks that every message sent is accounted for exactly.
  private func expectExactAccounting(_ json: [String: Any], sourceLocation: SourceLocation = #_sourceLocation)
  {
    #expect(
      count(json, "sent") == count(json, "received") + count(json, "in_flight")
        + errorCount(json, "reply_timeout"),
      "\(json)", sourceLocation: sourceLocation)
  }

  @Test func redisProcessesExactlyWhatLoadgenSent() async throws {
    try await serving(PeerServer.redis) { redis in
      _ = try redis.send("SET k v\r\n") { $0.hasSuffix("\r\n") }
      let messageFile = "/tmp/eddy-redis-messages-\(getpid())"
      try Data("SET a 1\nPING\nGET k\n".utf8).write(to: URL(fileURLWithPath: messageFile))
      defer { unlink(messageFile) }
      let cases: [[String]] = [
        // In turn: +OK, +PONG, then a bulk reply ($1, v): --reply-until ends each at its last line.
        [
          "--codec", "line", "--message-file", messageFile, "--reply-until", "+OK", "--reply-until", "+PONG",
          "--reply-until", "v",
        ],
        ["--codec", "line", "--message", "PING", "--expect", "+PONG"],
        ["--codec", "raw", "--message", #"PING\r\n"#, "--reply-bytes", "7", "--expect", #"+PONG\r\n"#],
        ["--codec", "line:delimiter=crlf", "--message", "SET key:{conn}:{rand:1-1000} v", "--expect", "+OK"],
        // A bulk string is two lines: "$1" then the value.
        ["--codec", "line", "--message", "GET k", "--reply-frames", "2", "--expect", "$1"],
        ["--codec", "raw", "--message", #"INCR n\r\n"#, "--reply-until", #"\r\n"#, "--expect-prefix", ":"],
      ]
      for arguments in cases {
        let before = try redis.redisStat("total_commands_processed")
        let (status, json, process) = try await runLoadgen(
          ["\(redis.port)", "--mode", "request", "--duration", "1"] + arguments + Self.load)
        // The INFO that read `before` is counted too.
        let processed = try redis.redisStat("total_commands_processed") - before - 1
        #expect(status == 0, "\(arguments): \(process.standardError)")
        #expect(count(json, "errors") == 0, "\(arguments): \(json)")
        #expect(
          count(json, "sent") > 1000 && count(json, "sent") == processed,
          "\(arguments): \(json), redis \(processed)")
        #expect(count(json, "in_flight") == 0, "\(arguments): \(json)")
        expectExactAccounting(json)
      }
      #expect(try redis.redisStat("total_commands_processed") > 0)
    }
  }

  @Test func aRequestCountIsExactAndItsWindowEndsAtTheLastReply() async throws {
    try await serving(PeerServer.redis) { redis in
      let before = try redis.redisStat("total_commands_processed")
      let (status, json, _) = try await runLoadgen(
        ["\(redis.port)", "--mode", "request", "--codec", "line", "--message", "PING", "--requests", "20000"]
          + Self.load)
      #expect(status == 0)
      #expect(count(json, "sent") == 20000 && count(json, "received") == 20000)
      #expect(try redis.redisStat("total_commands_processed") - before - 1 == 20000)
      // The rate is over the window from the first send to the last reply, so it agrees with it.
      let seconds = try #require(json["duration_s"] as? Double)
      let rate = try #require(json["msgs_per_s"] as? Double)
      #expect(seconds > 0.005 && abs(rate * seconds - 20000) < 200, "\(json)")
    }
  }

  @Test func aSinkEndsByHalfClosingSoTheServerReadsEverythingSent() async throws {
    try await serving(PeerServer.redis) { redis in
      let payload = "/tmp/eddy-sink-ping-\(getpid())"
      try Data("PING\r\n".utf8).write(to: URL(fileURLWithPath: payload))
      defer { unlink(payload) }
      let before = try redis.redisStat("total_commands_processed")
      let (status, json, process) = try await runLoadgen([
        "\(redis.port)", "--mode", "sink", "--payload-file", payload, "--requests", "300000", "--loops", "1",
        "--json", "--quiet",
      ])
      #expect(status == 0, "\(process.standardError)")
      #expect(count(json, "sent") == 300000)
      #expect(try redis.redisStat("total_commands_processed") - before - 1 == 300000)
    }
  }

  @Test func aReplyThatIsNotTheExpectedOneIsCountedAndFailsTheRun() async throws {
    try await serving(PeerServer.redis) { redis in
      let (status, json, process) = try await runLoadgen(
        [
          "\(redis.port)", "--mode", "request", "--codec", "line", "--message", "PING", "--expect", "+PANG",
          "--requests", "500",
        ] + Self.load)
      #expect(status == 1)
      #expect(
        process.standardError.contains("500 replies did not match --expect"), "\(process.standardError)")
      #expect(errorCount(json, "reply_mismatch") == 500 && count(json, "received") == 500)
    }
  }

  @Test func aServerThatStopsAnsweringEndsTheRunWithExitOne() async throws {
    try await serving(PeerServer.redis) { redis in
      let process = try ChildProcess(
        Self.loadgen,
        [
          "\(redis.port)", "--mode", "request", "--codec", "line", "--message", "PING", "--duration", "60",
          "--reply-timeout", "1",
        ] + Self.load)
      try await Task.sleep(for: .milliseconds(500))
      redis.process.signal(SIGSTOP)
      let status = await process.wait(seconds: 20)
      redis.process.signal(SIGCONT)
      #expect(status == 1)
      #expect(process.standardError.contains("the server stopped answering"), "\(process.standardError)")
      let last = process.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
      let json = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
      #expect(
        errorCount(json, "reply_timeout") > 0 && json["server_stopped_answering"] as? Bool == true, "\(json)")
      expectExactAccounting(json)
    }
  }

  @Test func memcachedCountsWhatLoadgenSent() async throws {
    try await serving(PeerServer.memcached) { memcached in
      // set, then get (a hit is three lines: VALUE, the data, END).
      var (status, json, process) = try await runLoadgen(
        [
          "\(memcached.port)", "--mode", "request", "--codec", "line:delimiter=crlf", "--message",
          #"set k 0 0 1\r\nv"#,
          "--expect", "STORED", "--requests", "5000",
        ] + Self.load)
      #expect(status == 0, "\(process.standardError)")
      let setCount = try memcached.memcachedStat("cmd_set")
      #expect(count(json, "received") == 5000 && setCount == 5000)
      (status, json, process) = try await runLoadgen(
        [
          "\(memcached.port)", "--mode", "request", "--codec", "line", "--message", "get k", "--reply-until",
          "END",
          "--expect-prefix", "VALUE", "--requests", "5000",
        ] + Self.load)
      #expect(status == 0, "\(process.standardError)")
      let hits = try memcached.memcachedStat("get_hits")
      #expect(count(json, "received") == 5000 && hits == 5000)
    }
  }

  @Test func aNineToOneMixOfGetsAndSetsOnRandomKeys() async throws {
    try await serving(PeerServer.memcached) { memcached in
      let (status, json, process) = try await runLoadgen(
        [
          "\(memcached.port)", "--mode", "request", "--codec", "raw",
          "--message", #"get key:{rand:1-100}\r\n"#, "--message", #"set key:{rand:1-100} 0 0 2\r\nvv\r\n"#,
          "--ratio", "9:1", "--reply-until", #"END\r\n"#, "--reply-until", #"STORED\r\n"#, "--duration", "1",
        ]
          + Self.load)
      #expect(status == 0, "\(process.standardError)")
      let gets = try memcached.memcachedStat("cmd_get")
      let sets = try memcached.memcachedStat("cmd_set")
      #expect(count(json, "errors") == 0, "\(json)")
      #expect(
        gets + sets == count(json, "sent") && count(json, "sent") > 1000,
        "\(json): \(gets) gets, \(sets) sets")
      #expect(Double(sets) / Double(gets + sets) > 0.05 && Double(sets) / Double(gets + sets) < 0.15)
      // Random keys: some gets found a key a set wrote, some did not.
      #expect(try memcached.memcachedStat("get_hits") > 0 && memcached.memcachedStat("get_misses") > 0)
      expectExactAccounting(json)
    }
  }
}
