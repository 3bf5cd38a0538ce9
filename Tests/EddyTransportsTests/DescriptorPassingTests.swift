import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Takes the first descriptor passed to it and writes a greeting into it; leaves the rest.
private final class TakesFirst: DescriptorReceivingProtocol {
  let log: Locked<(passed: Int, bytes: String)>
  init(log: Locked<(passed: Int, bytes: String)>) { self.log = log }

  func descriptorsReceived(_ descriptors: inout [Int32]) {
    log.withLock { $0.passed += descriptors.count }
    let first = descriptors.removeFirst()
    _ = "hello through a passed pipe".withCString { write(first, $0, strlen($0)) }
    close(first)
  }

  func dataReceived(_ data: ByteBuffer) { log.withLock { $0.bytes += data.string } }
}

/// Connects and calls `body` with the transport once connected.
private final class Passer: StreamProtocol {
  let body: (SocketStreamTransport) -> Void
  init(_ body: @escaping (SocketStreamTransport) -> Void) { self.body = body }
  func connectionMade(_ transport: any StreamTransport) { body(transport as! SocketStreamTransport) }
}

@Suite struct DescriptorPassingTests {
  /// A pipe's two ends: (read, write).
  private func makePipe() throws -> (Int32, Int32) {
    var fds: [Int32] = [-1, -1]
    try #require(pipe(&fds) == 0)
    return (fds[0], fds[1])
  }

  @Test func descriptorsPassOverAUnixSocketAndThoseNotTakenAreClosed() async throws {
    let path = "/tmp/eddy-passing-\(getpid()).sock"
    let log = Locked<(passed: Int, bytes: String)>((0, ""))
    let (taken, takenWriter) = try makePipe()
    let (leftOver, leftOverWriter) = try makePipe()
    defer {
      close(taken)
      close(leftOver)
    }
    let errors = Locked<[DescriptorPassingError]>([])
    try await withLoop { loop in
      let server = try loop.createUnixServer(path: path) { TakesFirst(log: log) }
      defer { server.close() }
      try await connect(loop, to: try SocketAddress(unixPath: path)) {
        Passer { transport in
          transport.write("before ")
          do throws(DescriptorPassingError) {
            try transport.write("with descriptors", passing: [takenWriter, leftOverWriter])
          } catch {
            errors.withLock { $0.append(error) }
          }
          // The caller's own copies may go at once: duplicates travel.
          close(takenWriter)
          close(leftOverWriter)
          transport.write(" after")
        }
      }
      #expect(await eventually { log.withLock { $0.bytes } == "before with descriptors after" })
    }
    #expect(errors.withLock { $0 } == [])
    #expect(log.withLock { $0.passed } == 2)
    var bytes = [UInt8](repeating: 0, count: 64)
    let count = read(taken, &bytes, bytes.count)
    #expect(
      count > 0 && String(decoding: bytes[..<max(count, 0)], as: UTF8.self) == "hello through a passed pipe")
    // Every write end of the second pipe is closed: the one the server left was closed for it.
    #expect(read(leftOver, &bytes, bytes.count) == 0)
  }

  @Test func passingIsRefusedOverTCPWithoutBytesAndBeyondTheLimit() async throws {
    let errors = Locked<[DescriptorPassingError]>([])
    try await withLoop { loop in
      let server = try loop.createServer(host: "127.0.0.1", port: 0) { Echo() }
      defer { server.close() }
      try await connect(loop, port: server.port!) {
        Passer { transport in
          for (data, descriptors) in [(ByteBuffer(string: "x"), [Int32(0)])] {
            do throws(DescriptorPassingError) { try transport.write(data, passing: descriptors) } catch {
              errors.withLock { $0.append(error) }
            }
          }
          transport.close()
        }
      }
      #expect(await eventually { errors.withLock { $0.count } == 1 })
    }
    #expect(errors.withLock { $0 } == [.notAUnixSocket])
    let unixErrors = Locked<[DescriptorPassingError]>([])
    let path = "/tmp/eddy-passing-refused-\(getpid()).sock"
    try await withLoop { loop in
      let server = try loop.createUnixServer(path: path) { Echo() }
      defer { server.close() }
      try await connect(loop, to: try SocketAddress(unixPath: path)) {
        Passer { transport in
          let attempts: [(ByteBuffer, [Int32])] = [
            (ByteBuffer(), [0]), ("x", [Int32](repeating: 0, count: 65)), ("x", [-1]),
          ]
          for (data, descriptors) in attempts {
            do throws(DescriptorPassingError) { try transport.write(data, passing: descriptors) } catch {
              unixErrors.withLock { $0.append(error) }
            }
          }
          transport.close()
        }
      }
      #expect(await eventually { unixErrors.withLock { $0.count } == 3 })
    }
    let seen = unixErrors.withLock { $0 }
    #expect(seen.count == 3)
    #expect(seen.first == .noBytes)
    #expect(seen.dropFirst().first == .tooMany(count: 65, limit: 64))
    if case .duplicateFailed(descriptor: -1, _) = seen.last {} else { Issue.record("\(seen)") }
  }
}
