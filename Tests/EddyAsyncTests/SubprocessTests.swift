import EddyAsync
import EddyCodecs
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

@Suite struct AsyncSubprocessTests {
  /// Bytes written to `cat`'s stdin come back on its stdout, complete and in order, while
  /// both directions run at once.
  @Test func catEchoesItsInput() async throws {
    try await withGroup { group in
      let cat = try await group.loops[0].subprocessExec(argv: ["cat"], stderr: .inherit)
      let stdin = try #require(cat.stdin)
      let stdout = try #require(cat.stdout)
      await #expect(throws: AsyncConnectionError.outputClosed) { try await stdout.write("no") }
      let total = 2 * 1024 * 1024
      let writer = Task {
        for offset in stride(from: 0, to: total, by: 50_000) {
          try await stdin.write(patternBuffer(from: offset, count: min(50_000, total - offset)))
        }
        stdin.writeEOF()
      }
      var received = 0
      var inOrder = true
      for try await chunk in stdout.inbound {
        inOrder = inOrder && followsPattern(chunk, from: received)
        received += chunk.readableBytes
      }
      try await writer.value
      #expect(received == total)
      #expect(inOrder)
      #expect(try await cat.wait() == 0)
    }
  }

  /// Over a line codec, each line the child prints is one element.
  @Test func linesFromAChild() async throws {
    try await withGroup { group in
      let lines = AsyncConnectionConfiguration(layers: CodecStack(layers: [.line(LineCodec())]).wrap)
      let child = try await group.loops[0].subprocessShell(
        command: "printf 'one\\ntwo\\nthree\\n'; exit 3", stdin: .devNull, configuration: lines)
      var received: [String] = []
      for try await line in try #require(child.stdout).inbound { received.append(line.string) }
      #expect(received == ["one", "two", "three"])
      #expect(try await child.wait() == 3)
    }
  }

  /// The subprocess example of docs/async.md: lines through `sort`.
  @Test func sortSortsLines() async throws {
    try await withGroup { group in
      let loop = group.loops[0]
      let lines = AsyncConnectionConfiguration(layers: CodecStack(layers: [.line(LineCodec())]).wrap)
      let child = try await loop.subprocessExec(argv: ["sort"], configuration: lines)
      for word in ["pear", "apple", "fig"] { try await child.stdin!.write(ByteBuffer(string: word)) }
      child.stdin!.writeEOF()
      var sorted: [String] = []
      for try await line in child.stdout!.inbound { sorted.append(line.string) }
      #expect(sorted == ["apple", "fig", "pear"])
      #expect(try await child.wait() == 0)
    }
  }

  /// A consumer that falls behind a child writing as fast as it can pauses the pipe: the
  /// inbound buffer stays within its bound and every byte arrives.
  @Test func aSlowConsumerPausesTheChild() async throws {
    try await withGroup { group in
      let total = 16 * 1024 * 1024
      let limits = InboundBufferLimits.bytes(high: 128 * 1024, low: 32 * 1024)
      let child = try await group.loops[0].subprocessExec(
        argv: ["head", "-c", "\(total)", "/dev/zero"], stdin: .devNull,
        configuration: AsyncConnectionConfiguration(inboundLimits: limits))
      let stdout = try #require(child.stdout)
      var received = 0
      var elements = 0
      for try await chunk in stdout.inbound {
        received += chunk.readableBytes
        elements += 1
        if elements <= 100 { try await Task.sleep(for: .milliseconds(2)) }
      }
      #expect(received == total)
      #expect(stdout.statistics.readPauses > 0)
      #expect(stdout.statistics.peakInboundBytes < limits.high + 64 * 1024)
      #expect(try await child.wait() == 0)
    }
  }

  /// Cancelling a task waiting for a child kills it.
  @Test func cancellingAWaitKillsTheChild() async throws {
    try await withGroup { group in
      let child = try await group.loops[0].subprocessExec(
        argv: ["sleep", "30"], stdin: .devNull, stdout: .devNull, stderr: .devNull)
      let waiting = Task { try await child.wait() }
      try await Task.sleep(for: .milliseconds(50))
      waiting.cancel()
      await #expect(throws: CancellationError.self) { try await waiting.value }
      #expect(await eventually { child.returnCode == -SIGKILL })
    }
  }
}

@Suite struct AsyncPipeTests {
  /// A pipe's two ends as async connections: what is written arrives, then end-of-file.
  @Test func bytesCrossAPipe() async throws {
    try await withGroup(loops: 2) { group in
      var fds: [Int32] = [0, 0]
      try #require(pipe(&fds) == 0)
      let reader = try await group.loops[0].connectReadPipe(fd: fds[0])
      let writer = try await group.loops[1].connectWritePipe(fd: fds[1])
      await #expect(throws: AsyncConnectionError.outputClosed) { try await reader.write("no") }
      let total = 1024 * 1024
      let writing = Task {
        for offset in stride(from: 0, to: total, by: 4_096) {
          try await writer.write(patternBuffer(from: offset, count: 4_096))
        }
        writer.writeEOF()
      }
      var received = 0
      var inOrder = true
      for try await chunk in reader.inbound {
        inOrder = inOrder && followsPattern(chunk, from: received)
        received += chunk.readableBytes
      }
      try await writing.value
      #expect(received == total)
      #expect(inOrder)
    }
  }
}
