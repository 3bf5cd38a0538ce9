import EddyCodecs
import EddyMetrics
import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import MetricsTestKit
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// ConnectionMetrics on a real server on 127.0.0.1 and real clients, each with a TestMetrics
/// factory of its own (no global bootstrap), checked to the exact count.
@Suite struct ConnectionMetricsTests {
  private static let server = [("server", "echo")]
  private static let client = [("client", "test")]

  @Test func aServerAndItsClientsCountEveryConnectionAndEveryByte() async throws {
    let metrics = TestMetrics()
    // An hour between reports: the bytes can only have been reported as each connection ended.
    let serverMetrics = ConnectionMetrics(server: "echo", reportInterval: .seconds(3600), factory: metrics)
    let clientMetrics = ConnectionMetrics(client: "test", reportInterval: .seconds(3600), factory: metrics)
    try await withGroup(loops: 2) { group in
      let server = try group.createServer(
        host: "127.0.0.1", port: 0, options: ServerOptions(observer: serverMetrics)
      ) { Echo() }
      defer { server.close() }
      let sizes = [1, 1000, 70_000, 300_000, 5, 4096]
      let ended = Recorder<Int>()
      for (index, size) in sizes.enumerated() {
        let payload = pattern(size, seed: index)
        try await connect(
          group.loops[index % 2], to: server.addresses[0], options: ConnectOptions(observer: clientMetrics)
        ) { Sender(payload, ended: ended) }
      }
      #expect(await eventually { ended.values.count == sizes.count })
      #expect(await eventually { server.connectionCount == 0 })
      #expect(ended.values.sorted() == sizes.sorted())
      let total = Int64(sizes.reduce(0, +))

      #expect(
        try metrics.expectCounter("eddy_server_connections_accepted_total", Self.server).totalValue == 6)
      #expect(try metrics.expectCounter("eddy_server_connections_closed_total", Self.server).totalValue == 6)
      #expect(try metrics.expectMeter("eddy_server_connections_open", Self.server).lastValue == 0)
      #expect(try metrics.expectMeter("eddy_server_connections_open", Self.server).values.max() ?? 0 >= 1)
      #expect(try metrics.expectCounter("eddy_server_bytes_received_total", Self.server).totalValue == total)
      #expect(try metrics.expectCounter("eddy_server_bytes_sent_total", Self.server).totalValue == total)
      #expect(try countedErrors(metrics, "server", Self.server).isEmpty)
      #expect(try metrics.expectCounter("eddy_server_accept_backoffs_total", Self.server).totalValue == 0)

      // Each client counts its connection once its transport ends, on its own loop's thread.
      #expect(
        await eventually {
          (try? metrics.expectCounter("eddy_client_connections_closed_total", Self.client).totalValue) == 6
        })
      #expect(try metrics.expectCounter("eddy_client_connections_opened_total", Self.client).totalValue == 6)
      #expect(try metrics.expectMeter("eddy_client_connections_open", Self.client).lastValue == 0)
      #expect(try metrics.expectCounter("eddy_client_bytes_sent_total", Self.client).totalValue == total)
      #expect(try metrics.expectCounter("eddy_client_bytes_received_total", Self.client).totalValue == total)
      #expect(try countedErrors(metrics, "client", Self.client).isEmpty)
      #expect(metrics.counters(label: "eddy_client_accept_backoffs_total").isEmpty)
    }
  }

  @Test func bytesAreReportedEveryIntervalWhileConnectionsStayOpen() async throws {
    let metrics = TestMetrics()
    let observer = ConnectionMetrics(server: "echo", reportInterval: .milliseconds(20), factory: metrics)
    try await withLoop { loop in
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, options: ServerOptions(observer: observer)
      ) {
        Echo()
      }
      defer { server.close() }
      let address = try SocketAddress(ipAddress: "127.0.0.1", port: server.port!)
      let payload = pattern(10_000, seed: 3)
      let client = try #require(RawSocket(connectingTo: address))
      #expect(client.send(payload))
      #expect(client.receive(exactly: payload.count) == payload)
      #expect(
        await eventually {
          (try? metrics.expectCounter("eddy_server_bytes_sent_total", Self.server).totalValue) == 10_000
        })
      #expect(try metrics.expectCounter("eddy_server_bytes_received_total", Self.server).totalValue == 10_000)
      #expect(try metrics.expectCounter("eddy_server_connections_closed_total", Self.server).totalValue == 0)
      #expect(try metrics.expectMeter("eddy_server_connections_open", Self.server).lastValue == 1)
    }
  }

  @Test func aWriteBufferOverItsHighMarkIsCountedAsAPause() async throws {
    let metrics = TestMetrics()
    let observer = ConnectionMetrics(server: "echo", reportInterval: .milliseconds(20), factory: metrics)
    try await withLoop { loop in
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, options: ServerOptions(observer: observer)
      ) {
        Echo()
      }
      defer { server.close() }
      let address = try SocketAddress(ipAddress: "127.0.0.1", port: server.port!)
      // A client that reads nothing until the echo of 4 MiB has filled its side of the socket,
      // so the server's queue of echoes goes over the 64 KiB high-water mark.
      let client = try #require(RawSocket(connectingTo: address, receiveBuffer: 4096))
      let payload = pattern(4 << 20, seed: 5)
      let sender = Task.detached { client.send(payload) }
      #expect(
        await eventually {
          ((try? metrics.expectCounter("eddy_server_writes_paused_total", Self.server).totalValue) ?? 0) >= 1
        })
      // The server reads on while its echoes wait, so the whole payload is sent.
      #expect(await sender.value)
      client.shutdownWrite()
      let echoed = await client.receiveAll()
      #expect(echoed.bytes == payload)
    }
  }

  @Test func aLineTooLongIsCountedAsACodecErrorOfItsKind() async throws {
    let metrics = TestMetrics()
    let observer = ConnectionMetrics(server: "lines", reportInterval: .seconds(3600), factory: metrics)
    let dimensions = [("server", "lines")]
    try await withLoop { loop in
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, options: ServerOptions(observer: observer)
      ) {
        CodecLayer(codec: LineCodec(maxLength: 16), upper: Echo())
      }
      defer { server.close() }
      let ended = Recorder<Int>()
      try await connect(loop, to: server.addresses[0]) { Sender(pattern(100, seed: 1), ended: ended) }
      #expect(await eventually { server.connectionCount == 0 && !ended.values.isEmpty })
      #expect(try countedErrors(metrics, "server", dimensions) == ["codec_line_too_long": 1])
      #expect(try metrics.expectCounter("eddy_server_connections_closed_total", dimensions).totalValue == 1)
      #expect(try metrics.expectCounter("eddy_server_bytes_received_total", dimensions).totalValue == 100)
    }
  }

  @Test func anAbortByTheFrameTimeoutIsCountedAsALimitOfItsKind() async throws {
    let metrics = TestMetrics()
    let observer = ConnectionMetrics(server: "slow", reportInterval: .seconds(3600), factory: metrics)
    let dimensions = [("server", "slow")]
    try await withLoop { loop in
      let options = ServerOptions(frameTimeout: .milliseconds(50), observer: observer)
      let server = try loop.createServer(host: "127.0.0.1", port: 0, options: options) {
        CodecLayer(codec: LineCodec(), upper: Echo())
      }
      defer { server.close() }
      let address = try SocketAddress(ipAddress: "127.0.0.1", port: server.port!)
      // The beginning of a line that never ends.
      let client = try #require(RawSocket(connectingTo: address))
      #expect(client.send(Array("no end".utf8)))
      #expect(
        await eventually {
          (try? metrics.expectCounter("eddy_server_connections_closed_total", dimensions).totalValue) == 1
        })
      #expect(try countedErrors(metrics, "server", dimensions) == ["frame_timeout": 1])
    }
  }

  @Test func pausesInAcceptingForWantOfDescriptorsAreCounted() async throws {
    let metrics = TestMetrics()
    let observer = ConnectionMetrics(server: "hoarded", reportInterval: .seconds(3600), factory: metrics)
    let dimensions = [("server", "hoarded")]
    try await withLoop { loop in
      let server = try loop.createServer(
        host: "127.0.0.1", port: 0, options: ServerOptions(observer: observer)
      ) {
        Echo()
      }
      defer { server.close() }
      // A client socket made while descriptors remain; its connect completes in the kernel's
      // backlog even while the server cannot accept.
      let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      defer { close(client) }
      var hoard: [Int32] = []
      while hoard.count <= 100_000 {
        let fd = open("/dev/null", O_RDONLY)
        if fd < 0 { break }
        hoard.append(fd)
      }
      let connected = server.addresses[0].withSockAddr { Glibc.connect(client, $0, $1) }
      try await Task.sleep(for: .milliseconds(350))
      let backoffs = try metrics.expectCounter("eddy_server_accept_backoffs_total", dimensions).totalValue
      for fd in hoard { close(fd) }
      #expect(connected == 0)
      // One per back-off period (100 ms) while descriptors are out: not one per readiness.
      #expect((1...5).contains(backoffs), "\(backoffs) back-offs")
      #expect(await eventually { server.connectionCount == 1 })
      // The loop counts the connection just after registering it: wait for the count too.
      #expect(
        await eventually {
          (try? metrics.expectCounter("eddy_server_connections_accepted_total", dimensions).totalValue) == 1
        })
    }
  }
}
