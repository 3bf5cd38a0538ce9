import EddyLoadGen
import EddyTestSupport
import Foundation
import Testing

/// The `loadgen` executable, run as a user would, against the `echo-server` executable.
@Suite(.serialized) struct LoadgenCommandTests {
  @Test func jsonLastLineCarriesTheContractKeys() async throws {
    try await withEchoServer { port in
      let (status, json, process) = try await runLoadgen([
        "\(port)", "--requests", "2000", "--connections", "4", "--loops", "2", "--pipeline", "2", "--json",
      ])
      #expect(status == 0, "\(process.standardError)")
      let object = try #require(json)
      #expect(object["sent"] as? Int == 2000)
      #expect(object["received"] as? Int == 2000)
      #expect(object["errors"] as? Int == 0)
      #expect(object["connections"] as? Int == 4)
      for key in ["duration_s", "msgs_per_s", "bytes_per_s"] { #expect(object[key] is NSNumber, "\(key)") }
      let latency = try #require(object["latency_us"] as? [String: Any])
      #expect(Set(latency.keys).isSuperset(of: ["p50", "p90", "p99", "p999", "max", "mean"]))
      #expect(object["schedule_lag_us"] is NSNull)
      #expect(process.standardOutput.contains("latency us"))
    }
  }

  @Test func durationIsTheMeasuredWindow() async throws {
    try await withEchoServer { port in
      let (status, json, process) = try await runLoadgen([
        "127.0.0.1:\(port)", "--duration", "1", "--warmup", "0.3", "--connections", "2", "--json", "--quiet",
      ])
      #expect(status == 0, "\(process.standardError)")
      let seconds = try #require(json?["duration_s"] as? Double)
      #expect(seconds >= 0.9 && seconds <= 1.1)
      #expect(process.standardError.isEmpty)
    }
  }

  @Test func progressGoesToStandardErrorAsPlainLines() async throws {
    try await withEchoServer { port in
      let (status, _, process) = try await runLoadgen(["\(port)", "--duration", "2.2", "--connections", "2"])
      #expect(status == 0)
      let lines = process.standardError.split(separator: "\n")
      #expect(lines.count >= 2)
      #expect(lines.allSatisfy { $0.contains("msg/s") && $0.contains("p99") && !$0.contains("\r") })
    }
  }

  @Test func histogramOutWritesThePercentileDistribution() async throws {
    let path = "/tmp/eddy-loadgen-histogram-\(getpid()).txt"
    defer { unlink(path) }
    try await withEchoServer { port in
      let (status, _, _) = try await runLoadgen([
        "\(port)", "--requests", "500", "--histogram-out", path, "--quiet",
      ])
      #expect(status == 0)
      let text = try String(contentsOfFile: path, encoding: .utf8)
      #expect(text.contains("Percentile"))
      #expect(text.contains("Total count    =          500"))
    }
  }

  @Test func interruptEndsTheRunWithItsReport() async throws {
    try await withEchoServer { port in
      let process = try ChildProcess(Built.loadgen, ["\(port)", "--duration", "60", "--json"])
      // The first progress line shows the run (and so its SIGINT handler) is under way.
      #expect(await eventually(within: 20) { process.standardError.contains("msg/s") })
      process.signal(SIGINT)
      #expect(await process.wait(seconds: 15) == 0)
      let last = process.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
      let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
      let seconds = try #require(object["duration_s"] as? Double)
      #expect(seconds > 0 && seconds < 30)
      #expect((object["sent"] as? Int ?? 0) > 0)
    }
  }

  @Test func sigtermEndsTheRunWithItsReport() async throws {
    try await withEchoServer { port in
      let process = try ChildProcess(Built.loadgen, ["\(port)", "--duration", "60", "--json"])
      #expect(await eventually(within: 20) { process.standardError.contains("msg/s") })
      process.signal(SIGTERM)
      #expect(await process.wait(seconds: 15) == 0)
      let last = process.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
      let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
      #expect((object["sent"] as? Int ?? 0) > 0)
    }
  }

  @Test func anInterruptWhileConnectingEndsTheRunAtOnceWithItsReport() async throws {
    let listener = try SilentListener()
    let process = try ChildProcess(
      Built.loadgen, ["\(listener.port)", "--connections", "4", "--connect-timeout", "60", "--json"])
    try await Task.sleep(for: .seconds(1))
    #expect(process.exitStatus == nil, "the connects should still be in progress")
    let interrupted = ContinuousClock.now
    process.signal(SIGINT)
    #expect(await process.wait(seconds: 15) == 0, "\(process.standardError)")
    #expect(ContinuousClock.now - interrupted < .seconds(5))
    let last = process.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
    let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    #expect(object["connections_established"] as? Int == 0 && object["errors"] as? Int == 0)
  }

  @Test(arguments: [
    (["--duration", "nan"], "--duration: nan is not a number of seconds"),
    (["--duration", "inf"], "--duration: inf is not a number of seconds"),
    (["--duration", "1e300"], "--duration: must be at most"),
    (["--warmup", "1e300"], "--warmup: must be at most"),
    (["--connect-timeout", "1e300"], "--connect-timeout: must be at most"),
    (["--connect-timeout", "0"], "--connect-timeout: must be more than"),
    (["--rate", "1e-300"], "--rate: must be between"),
    (["--rate", "1e300"], "--rate: must be between"),
    (["--rate", "-5"], "--rate: the rate must be positive"),
    (["--payload-size", "100000000000"], "--payload-size: must be between 1 and"),
    (["--pipeline", "100000000"], "--pipeline: must be between 1 and 65536"),
    (["--connections", "0"], "--connections: must be between"),
    (["--requests", "-3"], "--requests: must be between"),
    (["--find-rate", "-1"], "--find-rate: the p99 target must be"),
    (["--mode", "bogus"], "--mode: must be echo, request or sink"),
    (["--mode", "request"], "--mode request needs at least one --message"),
    (["--mode", "request", "--message", "PING"], "--codec raw does not frame replies: give --reply-bytes"),
    (
      ["--mode", "request", "--codec", "line", "--message", "PING", "--reply-bytes", "7"],
      "--reply-bytes counts bytes"
    ),
    (["--mode", "request", "--message", "PING", "--reply-frames", "2"], "--reply-frames counts frames"),
    (
      ["--mode", "request", "--message", "P", "--reply-bytes", "1", "--reply-until", "x"],
      "exclude each other"
    ),
    (
      ["--mode", "request", "--message", "P", "--reply-bytes", "3", "--expect", "ab"], "no reply could match"
    ),
    (["--message", "PING"], "need --mode request"),
    (
      ["--mode", "request", "--message", "{rand:9-1}", "--reply-bytes", "1"],
      "--message: {rand:9-1}: expected"
    ),
    (["--mode", "request", "--message", #"a\q"#, "--reply-bytes", "1"], "--message: unknown escape"),
    (
      ["--mode", "request", "--message", "a", "--ratio", "1:1", "--reply-bytes", "1"],
      "--ratio: 2 weights for 1"
    ),
    (
      ["--mode", "request", "--message", "a", "--ratio", "0", "--reply-bytes", "1"],
      "--ratio: '0' is not a weight"
    ),
    (["--reply-timeout", "0"], "--reply-timeout: must be more than 0"),
    (["--reply-timeout", "nan"], "--reply-timeout: nan is not a number"),
    (["--drain-timeout", "-1"], "--drain-timeout: must be at least 0"),
    (["--interval", "0"], "--interval: must be at least 0.01 seconds"),
    (["--interval", "nan"], "--interval: nan is not a number of seconds"),
    (
      ["--mode", "request", "--message", "a", "--reply-frames", "0", "--codec", "line"],
      "--reply-frames: must be between"
    ),
  ])
  func outOfRangeValuesExitTwoNamingTheOption(arguments: [String], message: String) async throws {
    let (status, _, process) = try await runLoadgen(["9"] + arguments)
    #expect(status == 2)
    #expect(process.standardError.contains(message), "\(process.standardError)")
  }

  @Test func moreConnectionsThanTheHardDescriptorLimitAreRefusedUpFront() async throws {
    let process = try ChildProcess(
      "/bin/sh", ["-c", "ulimit -n 256 && ulimit -Hn 256 && exec \"$0\" 9 --connections 1000", Built.loadgen])
    #expect(await process.wait(seconds: 30) == 2)
    #expect(
      process.standardError.contains(
        "--connections: 1000 connections need 1064 descriptors, the hard limit is 256"),
      "\(process.standardError)")
  }

  @Test func anUnwritableHistogramFileKeepsTheReportAndExitsOne() async throws {
    try await withEchoServer { port in
      let (status, json, process) = try await runLoadgen([
        "\(port)", "--requests", "200", "--json", "--quiet", "--histogram-out", "/nonexistent/dir/h.txt",
      ])
      #expect(status == 1)
      #expect(json?["sent"] as? Int == 200)
      #expect(process.standardError.contains("--histogram-out: cannot write /nonexistent/dir/h.txt"))
      #expect(!process.standardError.contains("USAGE"))
    }
  }

  @Test func unreachablePortExitsWithAMessage() async throws {
    let server = try CountingEchoServer()
    let port = server.server.port!
    server.stop()
    let (status, _, process) = try await runLoadgen(["\(port)", "--duration", "1", "--json"])
    #expect(status == 1)
    #expect(process.standardError.contains("could not connect to 127.0.0.1:\(port)"))
    #expect(process.standardError.contains("refused"))
  }

  @Test func verifyMismatchExitsWithAMessage() async throws {
    let server = try CountingEchoServer(corruptOffset: 100)
    defer { server.stop() }
    let (status, json, process) = try await runLoadgen([
      "\(server.server.port!)", "--requests", "100", "--verify", "--json", "--quiet",
    ])
    #expect(status == 1)
    #expect(process.standardError.contains("--verify: 1 replies differed"))
    let kinds = try #require(json?["errors_by_kind"] as? [String: Any])
    #expect(kinds["verify_mismatches"] as? Int == 1)
  }

  @Test func unknownCodecIsAUsageError() async throws {
    let (status, _, process) = try await runLoadgen(["9", "--codec", "gzip"])
    #expect(status == 2)
    #expect(process.standardError.contains("--codec: unknown layer 'gzip'"))
  }

  @Test(arguments: [
    ("length-prefix:widht=2", "--codec: unknown key 'widht' in layer 'length-prefix' (keys: width, endian,"),
    ("zlib:level=11,line", "--codec: bad value '11' for key 'level' in layer 'zlib'"),
    ("line,tls", "--codec: layer 'tls' must be the lowest"),
  ])
  func badStacksExitTwoNamingTheOffendingPart(stack: String, message: String) async throws {
    let (status, _, process) = try await runLoadgen(["9", "--codec", stack])
    #expect(status == 2)
    #expect(process.standardError.contains(message), "\(process.standardError)")
    let server = try ChildProcess(Built.echoServer, ["--port", "0", "--codec", stack])
    #expect(await server.wait(seconds: 10) == 2)
    #expect(server.standardError.contains(message), "\(server.standardError)")
  }

  @Test(arguments: [
    ["--port", "70000"], ["--port", "65536"], ["--port", "-1"], ["--loops", "0"], ["--idle-timeout", "-1"],
    ["--idle-timeout", "nan"], ["--max-connections", "-1"], ["--drain-timeout", "-1"],
    ["--frame-timeout", "-1"],
    ["--frame-timeout", "inf"], ["--buffer-budget", "-1"],
  ])
  func echoServerRefusesValuesOutOfRangeWithExitTwo(arguments: [String]) async throws {
    let server = try ChildProcess(Built.echoServer, arguments)
    #expect(await server.wait(seconds: 10) == 2)
    #expect(server.standardError.contains("\(arguments[0]): must be between"), "\(server.standardError)")
  }

  @Test func echoServerNeverTakesOverALiveUnixPath() async throws {
    let path = "/tmp/eddy-echo-live-\(getpid()).sock"
    let first = try ChildProcess(Built.echoServer, ["--unix", path])
    #expect(await first.line(startingWith: "listening on unix:\(path)") != nil)
    let second = try ChildProcess(Built.echoServer, ["--unix", path])
    #expect(await second.wait(seconds: 10) == 1)
    #expect(second.standardError.contains("address in use"), "\(second.standardError)")
    // The first server still serves its path, and removes it when it exits.
    let (status, json, _) = try await runLoadgen(["unix:\(path)", "--requests", "100", "--json", "--quiet"])
    #expect(status == 0 && json?["received"] as? Int == 100)
    first.signal(SIGTERM)
    #expect(await first.wait(seconds: 10) == 0)
    #expect(access(path, F_OK) != 0)
  }

  @Test func echoServerAbortsWhatDidNotDrainWithinTheDrainTimeout() async throws {
    let server = try ChildProcess(Built.echoServer, ["--port", "0", "--drain-timeout", "0.5"])
    let line = try #require(await server.line(startingWith: "listening on "))
    let port = try #require(listeningPort(in: line))
    // A peer that sends and never reads: its echoes cannot drain.
    let peer = try connectedLoopbackSocket(port: port)
    defer { close(peer) }
    _ = fcntl(peer, F_SETFL, O_NONBLOCK)
    let chunk = [UInt8](repeating: 120, count: 65536)
    var stalled = 0
    for _ in 0..<2000 where stalled < 20 {
      if send(peer, chunk, chunk.count, Int32(MSG_NOSIGNAL)) <= 0 {
        stalled += 1
        try await Task.sleep(for: .milliseconds(10))
      }
    }
    let signalled = ContinuousClock.now
    server.signal(SIGTERM)
    #expect(await server.wait(seconds: 10) == 0)
    let took = ContinuousClock.now - signalled
    #expect(took >= .milliseconds(400) && took < .seconds(3), "exited \(took) after SIGTERM")
  }

  @Test func echoServerRefusesATLSLayerWithoutACertificate() async throws {
    let server = try ChildProcess(Built.echoServer, ["--port", "0", "--codec", "tls,line"])
    #expect(await server.wait(seconds: 10) == 2)
    #expect(server.standardError.contains("--codec: layer 'tls' needs --tls-cert and --tls-key"))
  }

  @Test func stacksWithKeysCarryTheLoad() async throws {
    for stack in ["length-prefix:width=2:endian=little", "zlib:format=gzip:level=1,line:delimiter=crlf"] {
      let server = try ChildProcess(Built.echoServer, ["--port", "0", "--codec", stack])
      let line = try #require(await server.line(startingWith: "listening on "))
      let port = try #require(listeningPort(in: line))
      let (status, json, process) = try await runLoadgen([
        "\(port)", "--codec", stack, "--requests", "300", "--connections", "2", "--verify", "--json",
        "--quiet",
      ])
      #expect(status == 0, "\(stack): \(process.standardError)")
      #expect(json?["received"] as? Int == 300, "\(stack)")
      server.signal(SIGTERM)
      #expect(await server.wait(seconds: 10) == 0)
    }
  }
}
