import EddyProtocols
import EddyReactor
import Testing

@testable import EddyTransports

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The pending-writes queue flushed into real non-blocking pipes and sockets, which take only
/// what fits: short writes, a full kernel buffer, more buffers than one vectored call takes, and
/// failures, each checked against the bytes the other end reads.
@Suite struct PendingWritesTests {
  /// Both ends of a non-blocking pipe or socket pair, closed when the test ends (an end closed
  /// by the test is set to -1).
  private final class Ends {
    var reader: Int32
    var writer: Int32
    let isSocket: Bool
    let iovecs = UnsafeMutablePointer<iovec>.allocate(capacity: LoopResources.maxIOVecs)

    init(socket: Bool) throws {
      var fds: [Int32] = [-1, -1]
      if socket {
        #if canImport(Glibc)
          let type = Int32(SOCK_STREAM.rawValue)
        #else
          let type = SOCK_STREAM
        #endif
        try #require(socketpair(AF_UNIX, type, 0, &fds) == 0)
        #if canImport(Darwin)
          var on: Int32 = 1
          setsockopt(fds[0], SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
      } else {
        try #require(pipe(&fds) == 0)
      }
      for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
      (reader, writer, isSocket) = socket ? (fds[1], fds[0], true) : (fds[0], fds[1], false)
    }

    deinit {
      iovecs.deallocate()
      if reader >= 0 { close(reader) }
      if writer >= 0 { close(writer) }
    }

    func flush(_ pending: inout PendingWrites) -> FlushResult {
      pending.flush(fd: writer, isSocket: isSocket, iovecs: iovecs)
    }

    /// Every byte waiting at the reading end.
    func readAvailable() -> [UInt8] {
      var all: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 65_536)
      while true {
        let count = read(reader, &chunk, chunk.count)
        guard count > 0 else { return all }
        all += chunk[..<count]
      }
    }

    /// Writes single bytes straight into the writing end until the kernel takes no more.
    func fill() -> Int {
      var filled = 0
      var byte: UInt8 = 0xEE
      while write(writer, &byte, 1) == 1 { filled += 1 }
      return filled
    }
  }

  /// `count` bytes that differ from their neighbours, so a byte out of place shows.
  private static func pattern(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
  }

  /// `bytes` cut into buffers of the lengths given, cycling through them.
  private static func buffers(_ bytes: [UInt8], lengths: [Int]) -> [ByteBuffer] {
    var buffers: [ByteBuffer] = []
    var offset = 0
    var index = 0
    while offset < bytes.count {
      let length = min(lengths[index % lengths.count], bytes.count - offset)
      buffers.append(ByteBuffer(bytes: bytes[offset..<offset + length]))
      offset += length
      index += 1
    }
    return buffers
  }

  private static func isDrained(_ result: FlushResult) -> Bool {
    if case .drained = result { return true }
    return false
  }

  private static func wouldBlock(_ result: FlushResult) -> Bool {
    if case .wouldBlock = result { return true }
    return false
  }

  @Test(arguments: [false, true])
  func whatFitsIsWrittenInOneGoInOrder(socket: Bool) throws {
    let ends = try Ends(socket: socket)
    var pending = PendingWrites()
    for buffer: ByteBuffer in ["hello ", "vectored ", "world"] { pending.append(buffer) }
    #expect(pending.byteCount == 20)
    #expect(Self.isDrained(ends.flush(&pending)))
    #expect(pending.isEmpty)
    #expect(pending.byteCount == 0)
    #expect(ends.readAvailable() == Array("hello vectored world".utf8))
  }

  @Test(arguments: [false, true])
  func aSingleBufferIsWrittenToo(socket: Bool) throws {
    let ends = try Ends(socket: socket)
    var pending = PendingWrites()
    pending.append("only")
    #expect(Self.isDrained(ends.flush(&pending)))
    #expect(ends.readAvailable() == Array("only".utf8))
  }

  @Test(arguments: [false, true])
  func aShortWriteStopsTheFlushAndTheRestFollowsFromTheRightByte(socket: Bool) throws {
    let ends = try Ends(socket: socket)
    let content = Self.pattern(3 * 1024 * 1024 + 17)
    var pending = PendingWrites()
    for buffer in Self.buffers(content, lengths: [70_001, 3, 200_000, 1, 4_096, 123_457]) {
      pending.append(buffer)
    }
    #expect(pending.byteCount == content.count)
    #expect(Self.wouldBlock(ends.flush(&pending)))
    let written = content.count - pending.byteCount
    #expect(written > 0 && written < content.count)
    var received = ends.readAvailable()
    #expect(received.count == written)
    #expect(received == Array(content.prefix(written)))
    var flushes = 1
    while !pending.isEmpty && flushes < 10_000 {
      let result = ends.flush(&pending)
      flushes += 1
      received += ends.readAvailable()
      #expect(received.count == content.count - pending.byteCount)
      if Self.isDrained(result) { break }
      #expect(Self.wouldBlock(result))
    }
    #expect(pending.isEmpty)
    #expect(received == content)
  }

  @Test(arguments: [false, true])
  func aFullKernelBufferTakesNothingAndLosesNothing(socket: Bool) throws {
    let ends = try Ends(socket: socket)
    let filled = ends.fill()
    #expect(filled > 0)
    var pending = PendingWrites()
    pending.append("first")
    pending.append("second")
    #expect(Self.wouldBlock(ends.flush(&pending)))
    #expect(pending.byteCount == 11)
    #expect(ends.readAvailable().count == filled)
    #expect(Self.isDrained(ends.flush(&pending)))
    #expect(ends.readAvailable() == Array("firstsecond".utf8))
  }

  @Test(arguments: [false, true])
  func moreBuffersThanOneCallTakesGoInSeveralCalls(socket: Bool) throws {
    let ends = try Ends(socket: socket)
    // Over four times the iovec array, and over the kernel's own limit of 1024 per call.
    let content = Self.pattern(1_100 * 3)
    var pending = PendingWrites()
    for buffer in Self.buffers(content, lengths: [3]) { pending.append(buffer) }
    #expect(Self.isDrained(ends.flush(&pending)))
    #expect(ends.readAvailable() == content)
  }

  @Test func aFailedSendIsReportedAndConsumesNothing() throws {
    let ends = try Ends(socket: true)
    close(ends.reader)
    ends.reader = -1
    var pending = PendingWrites()
    pending.append("lost")
    pending.append(" too")
    guard case .failed(let error) = ends.flush(&pending) else {
      Issue.record("a send to a closed peer should fail")
      return
    }
    #expect(error == SystemError("sendmsg", errno: EPIPE))
    #expect(pending.byteCount == 8)
    #expect(!pending.isEmpty)
    pending.removeAll()
    #expect(pending.isEmpty)
    #expect(pending.byteCount == 0)
  }

  @Test func aFailedWriteToADescriptorNamesWritev() throws {
    let ends = try Ends(socket: false)
    close(ends.writer)
    ends.writer = -1
    var pending = PendingWrites()
    pending.append("x")
    guard case .failed(let error) = ends.flush(&pending) else {
      Issue.record("a write to a closed descriptor should fail")
      return
    }
    #expect(error == SystemError("writev", errno: EBADF))
    #expect(pending.byteCount == 1)
  }

  @Test(arguments: [false, true])
  func aFlushUpToAPositionStopsAtThatBufferEnd(socket: Bool) throws {
    let ends = try Ends(socket: socket)
    var pending = PendingWrites()
    // Positions are where a file goes: after "first " and "second ", before "third".
    for buffer: ByteBuffer in ["first ", "second "] { pending.append(buffer) }
    let position = pending.enqueuedTotal
    pending.append("third")
    #expect(
      Self.isDrained(
        pending.flush(fd: ends.writer, isSocket: ends.isSocket, iovecs: ends.iovecs, upTo: position)))
    #expect(ends.readAvailable() == Array("first second ".utf8))
    #expect(pending.writtenTotal == position && pending.byteCount == 5)
    #expect(Self.isDrained(ends.flush(&pending)))
    #expect(ends.readAvailable() == Array("third".utf8))
    #expect(pending.writtenTotal == pending.enqueuedTotal)
  }
}
