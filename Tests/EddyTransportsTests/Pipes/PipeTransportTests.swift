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

@Suite struct PipeTransportTests {
  /// A fresh pipe: (read end, write end).
  private func makePipe() throws -> (Int32, Int32) {
    var fds: [Int32] = [0, 0]
    try #require(pipe(&fds) == 0)
    return (fds[0], fds[1])
  }

  @Test func severalMebibytesArriveInOrderThenEOF() async throws {
    try await withLoop { loop in
      let (readEnd, writeEnd) = try makePipe()
      let payload = (0..<(5 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 13) }
      let reader = ProbeLog()
      let writer = ProbeLog()
      try await loop.submit {
        _ = try loop.connectReadPipe(fd: readEnd) { Probe(log: reader) }
        let transport = try loop.connectWritePipe(fd: writeEnd) { Probe(log: writer) }
        var offset = 0
        var step = 1
        while offset < payload.count {
          let end = min(payload.count, offset + step)
          transport.write(ByteBuffer(bytes: payload[offset..<end]))
          offset = end
          step = step % 100_003 + 4099
        }
        transport.writeEOF()
      }
      #expect(await eventually { reader.isLost && writer.isLost })
      #expect(reader.bytes == payload)
      #expect(reader.lifecycle == [.made, .eof, .lost(nil)])
      #expect(writer.lifecycle == [.made, .pause, .resume, .lost(nil)])
    }
  }

  @Test func readerGoingAwayWithBytesQueuedEndsWithEPIPE() async throws {
    try await withLoop { loop in
      let (readEnd, writeEnd) = try makePipe()
      let writer = ProbeLog()
      let queued = try await loop.submit {
        let transport = try loop.connectWritePipe(fd: writeEnd) { Probe(log: writer) }
        transport.write(ByteBuffer(bytes: [UInt8](repeating: 7, count: 1024 * 1024)))
        return transport.writeBufferSize
      }
      #expect(queued > 0)
      close(readEnd)
      #expect(await eventually { writer.isLost })
      #expect(writer.lifecycle == [.made, .pause, .lost(EPIPE)])
    }
  }

  @Test func idleWriterWhoseReaderGoesAwayClosesQuietly() async throws {
    try await withLoop { loop in
      let (readEnd, writeEnd) = try makePipe()
      let writer = ProbeLog()
      try await loop.submit { _ = try loop.connectWritePipe(fd: writeEnd) { Probe(log: writer) } }
      close(readEnd)
      #expect(await eventually { writer.isLost })
      #expect(writer.lifecycle == [.made, .lost(nil)])
    }
  }

  @Test func readPipeIgnoresWritesAndClosesOnEOFEvenWhenAskedToStayOpen() async throws {
    try await withLoop { loop in
      let (readEnd, writeEnd) = try makePipe()
      let reader = ProbeLog()
      try await loop.submit {
        _ = try loop.connectReadPipe(fd: readEnd) {
          let probe = Probe(log: reader)
          probe.onMade = { probe in
            #expect(probe.transport!.canWriteEOF == false)
            probe.transport!.write("ignored")
            #expect(probe.transport!.writeBufferSize == 0)
          }
          probe.onEOF = { _ in true }
          return probe
        }
      }
      #expect(write(writeEnd, "hello", 5) == 5)
      close(writeEnd)
      #expect(await eventually { reader.isLost })
      #expect(reader.bytes == Array("hello".utf8))
      #expect(reader.lifecycle == [.made, .eof, .lost(nil)])
    }
  }

  @Test func regularFileIsRefusedAndClosed() async throws {
    try await withLoop { loop in
      let path = "/tmp/eddy-pipe-test-\(getpid())"
      let fd = open(path, O_CREAT | O_RDWR, 0o600)
      try #require(fd >= 0)
      unlink(path)
      var before = stat()
      try #require(fstat(fd, &before) == 0)
      let error = try await loop.submit { () -> PipeError? in
        do throws(PipeError) {
          _ = try loop.connectReadPipe(fd: fd) { Probe(log: ProbeLog()) }
          return nil
        } catch {
          return error
        }
      }
      #expect(error == .unsupportedDescriptor(fd: fd))
      // Closed: the number is free, or already reused by a test running alongside for another file.
      var after = stat()
      #expect(fstat(fd, &after) == -1 || after.st_ino != before.st_ino || after.st_dev != before.st_dev)
    }
  }
}
