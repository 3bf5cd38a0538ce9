import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite struct SubprocessTests {
  /// Starts a child on `loop` and returns what its probe records.
  private func run(
    _ loop: EventLoop, _ argv: [String], stdin: SubprocessStdio = .pipe, stdout: SubprocessStdio = .pipe,
    stderr: SubprocessStdio = .pipe, env: [String: String]? = nil, cwd: String? = nil,
    onMade: (@Sendable (SubprocessProbe) -> Void)? = nil
  ) async throws -> SubprocessLog {
    let log = SubprocessLog()
    try await loop.submit {
      _ = try loop.subprocessExec(
        argv: argv, env: env, cwd: cwd, stdin: stdin, stdout: stdout, stderr: stderr
      ) {
        let probe = SubprocessProbe(log: log)
        probe.onMade = onMade
        return probe
      }
    }
    return log
  }

  @Test func catEchoesWhatItIsFedThroughItsStdinPipe() async throws {
    try await withLoop { loop in
      let payload = (0..<(2 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 9) }
      let log = try await run(loop, ["cat"]) { probe in
        let stdin = probe.transport!.pipeTransport(fd: 0) as! any WriteTransport
        var offset = 0
        while offset < payload.count {
          let end = min(payload.count, offset + 50_000)
          stdin.write(ByteBuffer(bytes: payload[offset..<end]))
          offset = end
        }
        stdin.writeEOF()
      }
      #expect(await eventually { log.isLost })
      #expect(log.output(1) == payload)
      let lifecycle = log.lifecycle
      #expect(lifecycle.first == .made)
      #expect(lifecycle.last == .lost)
      #expect(lifecycle.filter { $0 == .lost }.count == 1)
      #expect(lifecycle.contains(.exited(0)))
      #expect(lifecycle.contains(.pipeLost(fd: 0, errno: nil)))
      #expect(lifecycle.contains(.pipeLost(fd: 1, errno: nil)))
      #expect(lifecycle.contains(.pipeLost(fd: 2, errno: nil)))
    }
  }

  @Test func exitStatusIsReported() async throws {
    try await withLoop { loop in
      let log = try await run(loop, ["/bin/sh", "-c", "echo out; echo err >&2; exit 3"])
      #expect(await eventually { log.isLost })
      #expect(log.lifecycle.contains(.exited(3)))
      #expect(log.output(1) == Array("out\n".utf8))
      #expect(log.output(2) == Array("err\n".utf8))
    }
  }

  @Test func shellVariantRunsTheCommandWithEnvironmentAndDirectory() async throws {
    try await withLoop { loop in
      let log = SubprocessLog()
      try await loop.submit {
        _ = try loop.subprocessShell(
          command: "pwd; echo \"$EDDY_TEST\"", env: ["EDDY_TEST": "hello"], cwd: "/"
        ) {
          SubprocessProbe(log: log)
        }
      }
      #expect(await eventually { log.isLost })
      #expect(String(decoding: log.output(1), as: UTF8.self) == "/\nhello\n")
      #expect(log.lifecycle.contains(.exited(0)))
    }
  }

  @Test func terminatedChildReportsTheNegatedSignal() async throws {
    try await withLoop { loop in
      let log = try await run(loop, ["sleep", "30"]) { probe in probe.transport!.terminate() }
      #expect(await eventually { log.isLost })
      #expect(log.lifecycle.contains(.exited(-SIGTERM)))
    }
  }

  @Test func closeKillsARunningChildAndStillReportsItsEnd() async throws {
    try await withLoop { loop in
      let log = try await run(loop, ["sleep", "30"]) { probe in probe.transport!.close() }
      #expect(await eventually { log.isLost })
      #expect(log.lifecycle.contains(.exited(-SIGKILL)))
      #expect(log.lifecycle.last == .lost)
    }
  }

  @Test func closingTheLoopKillsAndReapsARunningChild() async throws {
    let group = try EventLoopGroup(loops: 1, name: "test")
    let loop = group.loops[0]
    let log = SubprocessLog()
    let pid = try await loop.submit {
      try loop.subprocessExec(argv: ["sleep", "30"]) { SubprocessProbe(log: log) }.pid
    }
    group.shutdown()
    #expect(kill(pid, 0) == -1 && errno == ESRCH)
    #expect(log.lifecycle.contains(.exited(-SIGKILL)))
    #expect(log.lifecycle.last == .lost)
    #expect(log.lifecycle.filter { $0 == .lost }.count == 1)
  }

  @Test func childClosingStdoutEarlyEndsThatPipeBeforeItExits() async throws {
    try await withLoop { loop in
      let log = try await run(loop, ["/bin/sh", "-c", "exec 1>&-; sleep 0.2"], stdin: .devNull)
      #expect(await eventually { log.isLost })
      let closed = try #require(log.index(of: .pipeLost(fd: 1, errno: nil)))
      let exited = try #require(log.index(of: .exited(0)))
      let lost = try #require(log.index(of: .lost))
      #expect(closed < exited)
      #expect(exited < lost)
      #expect(log.lifecycle.filter { $0 == .lost }.count == 1)
    }
  }

  @Test func childThatNeverReadsStdinPausesTheWriterAndEndsCleanly() async throws {
    try await withLoop { loop in
      let log = try await run(loop, ["sleep", "1"]) { probe in
        let chunk = ByteBuffer(bytes: [UInt8](repeating: 42, count: 64 * 1024))
        for _ in 0..<(8 * 16) { probe.transport!.writeToStdin(chunk) }
      }
      #expect(await eventually { log.isLost })
      let lifecycle = log.lifecycle
      #expect(lifecycle.contains(.pause))
      #expect(lifecycle.contains(.exited(0)))
      #expect(lifecycle.contains(.pipeLost(fd: 0, errno: EPIPE)))
      #expect(lifecycle.last == .lost)
    }
  }

  @Test func missingProgramFailsToSpawn() async throws {
    try await withLoop { loop in
      let error = try await loop.submit { () -> SubprocessError? in
        do throws(SubprocessError) {
          _ = try loop.subprocessExec(argv: ["/nonexistent/eddy-program"]) {
            SubprocessProbe(log: SubprocessLog())
          }
          return nil
        } catch {
          return error
        }
      }
      #expect(
        error
          == .spawnFailed(
            executable: "/nonexistent/eddy-program", error: SystemError("posix_spawn", errno: ENOENT)))
    }
  }

  @Test func stdioCanBeInheritedNulledOrGivenADescriptor() async throws {
    var fds: [Int32] = [0, 0]
    try #require(pipe(&fds) == 0)
    defer { close(fds[0]) }
    try await withLoop { loop in
      let log = try await run(
        loop, ["/bin/sh", "-c", "cat; echo to-fd"], stdin: .devNull, stdout: .fileDescriptor(fds[1]),
        stderr: .inherit)
      close(fds[1])
      #expect(await eventually { log.isLost })
      var buffer = [UInt8](repeating: 0, count: 64)
      let count = read(fds[0], &buffer, buffer.count)
      #expect(Array(buffer.prefix(max(count, 0))) == Array("to-fd\n".utf8))
      #expect(log.lifecycle == [.made, .exited(0), .lost])
    }
  }
}
