import EddyProtocols
import EddyReactor
import EddyTLS
import EddyTestSupport
import EddyTransports
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A position-sensitive sum of a byte stream (Fletcher's, on 64 bits) and its length.
struct StreamSum: Equatable, Sendable {
  var count = 0
  var a: UInt64 = 0
  var b: UInt64 = 0

  mutating func add(_ bytes: UnsafeRawBufferPointer) {
    for byte in bytes {
      a &+= UInt64(byte)
      b &+= a
    }
    count += bytes.count
  }
}

/// A file of `size` pseudo-random bytes, removed when the value goes; `sum` is its contents'.
final class TemporaryFile: @unchecked Sendable {
  let path: String
  let fd: Int32
  private(set) var sum = StreamSum()

  init(size: Int) throws {
    path = "/tmp/eddy-sendfile-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    try #require(fd >= 0)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var block = [UInt64](repeating: 0, count: 128 * 1024)
    var left = size
    while left > 0 {
      for index in block.indices {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        block[index] = state
      }
      let length = min(left, block.count * 8)
      let written = block.withUnsafeBytes { bytes in
        sum.add(UnsafeRawBufferPointer(rebasing: bytes[..<length]))
        return write(fd, bytes.baseAddress, length)
      }
      try #require(written == length)
      left -= length
    }
  }

  deinit {
    close(fd)
    unlink(path)
  }
}

/// What a receiving end saw: the bytes' sum and how the connection ended.
final class ReceiveLog: Sendable {
  let state = Locked<(sum: StreamSum, lost: Bool)>((StreamSum(), false))
}

/// Sums everything it receives.
final class Summing: StreamProtocol {
  let log: ReceiveLog
  init(log: ReceiveLog) { self.log = log }
  func dataReceived(_ data: ByteBuffer) {
    data.withUnsafeReadableBytes { bytes in log.state.withLock { $0.sum.add(bytes) } }
  }
  func connectionLost(_ error: (any Error)?) { log.state.withLock { $0.lost = true } }
}

/// Writes `head`, sends the file, writes `tail`, and closes once the file is sent.
final class FileSender: StreamProtocol {
  let file: TemporaryFile
  let head: ByteBuffer
  let tail: ByteBuffer
  let results: Locked<[Result<Int, SendFileError>]>
  let pauses: Locked<Int>

  init(
    file: TemporaryFile, head: ByteBuffer, tail: ByteBuffer, results: Locked<[Result<Int, SendFileError>]>,
    pauses: Locked<Int>
  ) {
    self.file = file
    self.head = head
    self.tail = tail
    self.results = results
    self.pauses = pauses
  }

  func connectionMade(_ transport: any StreamTransport) {
    transport.write(head)
    let size = file.sum.count
    // Straight on a socket the tail is written while the file is still queued, and must follow it.
    let tailAtOnce = transport is DescriptorStreamTransport
    transport.sendFile(file.fd, count: size) { [results, tail] result in
      results.withLock { $0.append(result) }
      if !tailAtOnce { transport.write(tail) }
      transport.close()
    }
    if tailAtOnce { transport.write(tail) }
  }

  func pauseWriting() { pauses.withLock { $0 += 1 } }
}

/// Runs its closure on `connectionMade`.
final class OnMade: StreamProtocol {
  let body: (any StreamTransport) -> Void
  init(_ body: @escaping (any StreamTransport) -> Void) { self.body = body }
  func connectionMade(_ transport: any StreamTransport) { body(transport) }
}

@Suite struct SendFileTests {
  static let size = 100 << 20

  /// Sends the file (with a head and a tail written around it) from a server to a client and
  /// returns what the client received, the results and the sender's pauses.
  private func transfer(tls: Bool, size: Int = size) async throws -> (
    expected: StreamSum, got: StreamSum, results: [Result<Int, SendFileError>], pauses: Int
  ) {
    let file = try TemporaryFile(size: size)
    let head = ByteBuffer(string: "head:")
    let tail = ByteBuffer(string: ":tail")
    var expected = StreamSum()
    head.withUnsafeReadableBytes { expected.add($0) }
    var fileSum = StreamSum()
    // The file's contents again, read back, so the expected sum covers head, file and tail in order.
    var offset = 0
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while offset < size {
      let read = pread(file.fd, &chunk, min(chunk.count, size - offset), off_t(offset))
      try #require(read > 0)
      chunk.withUnsafeBytes {
        expected.add(UnsafeRawBufferPointer(rebasing: $0[..<read]))
        fileSum.add(UnsafeRawBufferPointer(rebasing: $0[..<read]))
      }
      offset += read
    }
    #expect(fileSum == file.sum)
    tail.withUnsafeReadableBytes { expected.add($0) }
    let results = Locked<[Result<Int, SendFileError>]>([])
    let pauses = Locked(0)
    let log = ReceiveLog()
    try await withLoop { loop in
      let makeSender: @Sendable () -> any StreamProtocol = {
        FileSender(file: file, head: head, tail: tail, results: results, pauses: pauses)
      }
      let serverFactory = tls ? TLSLayer.factory(context: try Contexts.server(), makeSender) : makeSender
      let server = try loop.createServer(host: "127.0.0.1", port: 0, protocolFactory: serverFactory)
      defer { server.close() }
      let makeReceiver: @Sendable () -> any StreamProtocol = { Summing(log: log) }
      try await connect(
        loop, port: server.port!,
        tls ? TLSLayer.factory(context: try Contexts.client(), makeReceiver) : makeReceiver)
      #expect(await eventually(within: 120) { log.state.withLock { $0.lost } })
    }
    return (expected, log.state.withLock { $0.sum }, results.withLock { $0 }, pauses.withLock { $0 })
  }

  @Test func aHundredMebibyteFileGoesOverTCPByteExactInItsPlaceBetweenWrites() async throws {
    let run = try await transfer(tls: false)
    #expect(run.results == [.success(Self.size)])
    #expect(run.got == run.expected, "received \(run.got.count) of \(run.expected.count) bytes")
    #expect(run.pauses >= 1, "the file's unsent bytes count against the high-water mark")
  }

  @Test func aHundredMebibyteFileGoesOverTLSByteExactThroughTheFallback() async throws {
    let run = try await transfer(tls: true)
    #expect(run.results == [.success(Self.size)])
    #expect(run.got == run.expected, "received \(run.got.count) of \(run.expected.count) bytes")
  }

  @Test func aFileShorterThanTheCountEndsWithFileEnded() async throws {
    try await withLoop { loop in
      let file = try TemporaryFile(size: 1000)
      let results = Locked<[Result<Int, SendFileError>]>([])
      let server = try loop.createServer(host: "127.0.0.1", port: 0) {
        OnMade { transport in
          transport.sendFile(file.fd, count: 5000) { result in
            results.withLock { $0.append(result) }
            transport.close()
          }
        }
      }
      defer { server.close() }
      let log = ReceiveLog()
      try await connect(loop, port: server.port!) { Summing(log: log) }
      #expect(await eventually { log.state.withLock { $0.lost } })
      #expect(results.withLock { $0 } == [.failure(.fileEnded(sent: 1000))])
      #expect(log.state.withLock { $0.sum } == file.sum)
    }
  }
}
