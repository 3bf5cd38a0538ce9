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

@Suite struct DatagramEndpointTests {
  /// A datagram carrying sequence number `sequence`, padded to a length that varies with it.
  private static func datagram(_ sequence: Int) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeInteger(UInt32(sequence))
    buffer.writeBytes([UInt8](repeating: UInt8(truncatingIfNeeded: sequence), count: sequence % 700))
    return buffer
  }

  private static func sequence(of payload: [UInt8]) -> Int {
    Int(ByteBuffer(bytes: payload).getInteger(at: 0, as: UInt32.self)!)
  }

  private static func unixPath(_ name: String) -> String { "/tmp/eddy-dgram-\(getpid())-\(name).sock" }

  @Test(arguments: ["127.0.0.1", "::1", "unix"])
  func echoesThousandsOfDatagramsExactly(host: String) async throws {
    let total = 5000
    let window = 32
    try await withLoop { loop in
      let log = DatagramLog()
      try await loop.submit {
        let serverAddress: SocketAddress
        let clientAddress: SocketAddress?
        if host == "unix" {
          serverAddress = try SocketAddress(unixPath: Self.unixPath("echo-server"))
          clientAddress = try SocketAddress(unixPath: Self.unixPath("echo-client"))
        } else {
          serverAddress = try SocketAddress(ipAddress: host, port: 0)
          clientAddress = nil
        }
        let server = try loop.createDatagramEndpoint(local: serverAddress) { DatagramEcho() }
        _ = try loop.createDatagramEndpoint(local: clientAddress, remote: server.localAddress!) {
          let probe = DatagramProbe(log: log)
          var next = 0
          // A bounded window of datagrams in flight, so that no receive queue overflows.
          probe.onMade = { probe in
            while next < window {
              probe.transport!.send(Self.datagram(next), to: nil)
              next += 1
            }
          }
          probe.onDatagram = { probe, _, _ in
            guard next < total else { return }
            probe.transport!.send(Self.datagram(next), to: nil)
            next += 1
          }
          return probe
        }
      }
      #expect(await eventually(within: 30) { log.payloads.count >= total })
      let payloads = log.payloads
      #expect(payloads.count == total)
      #expect(Set(payloads.map(Self.sequence)) == Set(0..<total))
      #expect(payloads.allSatisfy { $0 == Self.datagram(Self.sequence(of: $0)).bytes })
      #expect(log.errors.isEmpty)
    }
  }

  @Test func connectedSocketHearsThatNothingListens() async throws {
    try await withLoop { loop in
      let log = DatagramLog()
      try await loop.submit {
        // A port that was free a moment ago, with nothing bound to it now.
        let probe = try loop.createDatagramEndpoint(local: SocketAddress(ipAddress: "127.0.0.1", port: 0)) {
          DatagramProbe(log: DatagramLog())
        }
        let closedPort = probe.localAddress!
        probe.abort()
        _ = try loop.createDatagramEndpoint(remote: closedPort) {
          let probe = DatagramProbe(log: log)
          probe.onMade = { probe in probe.transport!.send("anyone there?", to: nil) }
          return probe
        }
      }
      #expect(await eventually { !log.errors.isEmpty })
      #expect((log.errors.first as? SystemError)?.errno == ECONNREFUSED)
      #expect(!log.isLost)
    }
  }

  @Test func sendsThatCannotGoNowAreQueuedInOrderWithFlowControl() async throws {
    let total = 2000
    let path = Self.unixPath("pressure")
    // A receiver nobody reads until every datagram is queued, so the sender must hold them.
    let receiver = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    try #require(receiver >= 0)
    defer { close(receiver) }
    unlink(path)
    let receiverAddress = try SocketAddress(unixPath: path)
    try #require(receiverAddress.withSockAddr { bind(receiver, $0, $1) } == 0)
    defer { unlink(path) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(receiver, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    try await withLoop { loop in
      let log = DatagramLog()
      let queued = try await loop.submit {
        let transport = try loop.createDatagramEndpoint(remote: receiverAddress) { DatagramProbe(log: log) }
        transport.setWriteBufferLimits(high: 16 * 1024, low: 4 * 1024)
        for sequence in 0..<total { transport.send(Self.datagram(sequence), to: nil) }
        let queued = transport.writeBufferSize
        transport.close()
        return queued
      }
      #expect(queued > 16 * 1024)
      var received: [Int] = []
      var buffer = [UInt8](repeating: 0, count: 2048)
      while received.count < total {
        let count = recv(receiver, &buffer, buffer.count, 0)
        guard count >= 4 else { break }
        let payload = Array(buffer[0..<count])
        #expect(payload == Self.datagram(Self.sequence(of: payload)).bytes)
        received.append(Self.sequence(of: payload))
      }
      #expect(received == Array(0..<total))
      #expect(await eventually { log.isLost })
      #expect(log.lifecycle == [.made, .pause, .resume, .lost])
    }
  }

  @Test func oversizedDatagramIsReportedNotDelivered() async throws {
    try await withLoop { loop in
      let log = DatagramLog()
      try await loop.submit {
        let path = Self.unixPath("oversized")
        let receiver = try loop.createDatagramEndpoint(local: SocketAddress(unixPath: path)) {
          DatagramProbe(log: log)
        }
        let sender = try loop.createDatagramEndpoint(remote: receiver.localAddress!) {
          DatagramProbe(log: DatagramLog())
        }
        sender.send(ByteBuffer(bytes: [UInt8](repeating: 1, count: 100 * 1024)), to: nil)
        sender.send("small", to: nil)
      }
      #expect(await eventually { log.payloads.count == 1 })
      #expect(log.payloads == [Array("small".utf8)])
      #expect(log.errors.first as? DatagramError == .truncated(capacity: 64 * 1024))
    }
  }

  @Test func destinationsAreChecked() async throws {
    try await withLoop { loop in
      let unconnected = DatagramLog()
      let connected = DatagramLog()
      try await loop.submit {
        let any = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
        let server = try loop.createDatagramEndpoint(local: any) { DatagramProbe(log: unconnected) }
        server.send("nowhere", to: nil)
        let other = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        let client = try loop.createDatagramEndpoint(remote: server.localAddress!) {
          DatagramProbe(log: connected)
        }
        client.send("elsewhere", to: other)
        client.close()
        server.close()
      }
      #expect(await eventually { unconnected.isLost && connected.isLost })
      #expect(unconnected.errors.first as? DatagramError == .destinationRequired)
      #expect(
        connected.errors.first as? DatagramError
          == .destinationMismatch(try SocketAddress(ipAddress: "127.0.0.1", port: 9)))
      #expect(connected.lifecycle.last == .lost)
    }
  }

  @Test func endpointNeedsAnAddressOfOneFamily() async throws {
    try await withLoop { loop in
      let errors = try await loop.submit { () -> [DatagramEndpointError] in
        var errors: [DatagramEndpointError] = []
        do throws(DatagramEndpointError) {
          _ = try loop.createDatagramEndpoint { DatagramProbe(log: DatagramLog()) }
        } catch {
          errors.append(error)
        }
        do throws(DatagramEndpointError) {
          _ = try loop.createDatagramEndpoint(
            local: try! SocketAddress(ipAddress: "127.0.0.1", port: 0),
            remote: try! SocketAddress(ipAddress: "::1", port: 9)
          ) { DatagramProbe(log: DatagramLog()) }
        } catch {
          errors.append(error)
        }
        return errors
      }
      #expect(errors.count == 2)
      #expect(errors.first == .noAddress)
    }
  }
}
