import EddyCodecs
import EddyLoadGen
import EddyProtocols
import EddyReactor
import EddyTransports
import Synchronization

/// What a ``CountingEchoServer`` saw, readable from the test's thread.
final class ServerCounts: Sendable {
  let bytes = Atomic<Int>(0)
  let connections = Atomic<Int>(0)
  let endsOfFile = Atomic<Int>(0)
  /// The stream offset (on the first connection to reach it) of one byte to flip, or -1.
  let corruptOffset: Int
  let corrupted = Atomic<Bool>(false)

  init(corruptOffset: Int = -1) { self.corruptOffset = corruptOffset }
}

/// An echo protocol that counts what it receives, and can corrupt one byte of what it echoes.
final class CountingEcho: StreamProtocol {
  private let counts: ServerCounts
  private let echoes: Bool
  private var transport: (any StreamTransport)?
  private var received = 0

  init(counts: ServerCounts, echoes: Bool) {
    self.counts = counts
    self.echoes = echoes
  }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    counts.connections.add(1, ordering: .relaxed)
  }

  func dataReceived(_ data: ByteBuffer) {
    counts.bytes.add(data.readableBytes, ordering: .relaxed)
    let start = received
    received += data.readableBytes
    guard echoes else { return }
    let target = counts.corruptOffset
    if target >= start && target < received
      && !counts.corrupted.exchange(true, ordering: .relaxed)
    {
      var copy = data
      copy.withUnsafeMutableReadableBytes { $0[target - start] ^= 0xFF }
      transport?.write(copy)
    } else {
      transport?.write(data)
    }
  }

  func eofReceived() -> Bool {
    counts.endsOfFile.add(1, ordering: .relaxed)
    return false
  }

  func pauseWriting() { transport?.pauseReading() }

  func resumeWriting() { transport?.resumeReading() }

  func connectionLost(_ error: (any Error)?) { transport = nil }
}

/// An in-process echo server on one loop of its own, on an ephemeral TCP port or a Unix socket,
/// echoing bytes (`raw`) or, through a codec stack, frames.
final class CountingEchoServer: Sendable {
  let counts: ServerCounts
  let group: EventLoopGroup
  let server: Server

  init(corruptOffset: Int = -1, echoes: Bool = true, unixPath: String? = nil, codec: String = "raw") throws {
    let stack = try CodecStack(parsing: codec)
    let counts = ServerCounts(corruptOffset: corruptOffset)
    self.counts = counts
    group = try EventLoopGroup(loops: 1, name: "test-server")
    let factory: @Sendable () -> any StreamProtocol = {
      stack.wrap(CountingEcho(counts: counts, echoes: echoes))
    }
    if let unixPath {
      server = try group.createUnixServer(path: unixPath, protocolFactory: factory)
    } else {
      server = try group.createServer(host: "127.0.0.1", port: 0, protocolFactory: factory)
    }
  }

  /// Where loadgen should connect.
  var target: LoadTarget {
    if case .unix(let path) = server.addresses[0] { return .unix(path: path) }
    return .tcp(host: "127.0.0.1", port: server.port!)
  }

  /// Messages of `size` bytes the server has received so far.
  func messages(of size: Int) -> Int { counts.bytes.load(ordering: .relaxed) / size }

  func stop() {
    server.close()
    server.abortClients()
    group.shutdown()
  }
}

/// A configuration against `target` with small, test-sized defaults.
func testConfiguration(_ target: LoadTarget) -> LoadConfiguration {
  var configuration = LoadConfiguration(target: target)
  configuration.connections = 4
  configuration.loops = 2
  configuration.duration = .seconds(1)
  configuration.drainTimeout = .seconds(2)
  return configuration
}
