import EddyAsync
import EddyCodecs
import EddyLoadGen
import EddyReactor
import EddyTestSupport
import Testing

/// The async echo server under the load generator, as the benchmarks drive it.
@Suite struct AsyncServerLoadTests {
  /// Every message comes back intact, over a raw stream and over framing codecs.
  @Test(arguments: ["raw", "line", "length-prefix", "zlib,line"])
  func everyMessageComesBack(codec: String) async throws {
    try await withGroup(loops: 2) { group in
      let stack = try CodecStack(parsing: codec)
      let configuration = AsyncConnectionConfiguration(layers: stack.layers.isEmpty ? nil : stack.wrap)
      let server = try await group.listen(host: "127.0.0.1", port: 0, configuration: configuration)
      let serving = Task { try await server.serve(echo) }
      var load = LoadConfiguration(target: .tcp(host: "127.0.0.1", port: server.port!))
      load.codec = codec
      load.connections = 32
      load.loops = 2
      load.requests = 4_000
      load.pipeline = 4
      load.verify = true
      load.duration = .seconds(30)
      load.drainTimeout = .seconds(2)
      let report = try await LoadGenerator(load).run()
      #expect(report.sent == 4_000)
      #expect(report.received == 4_000)
      #expect(report.errors.total == 0)
      #expect(report.connectionsEstablished == 32)
      server.close()
      try await serving.value
    }
  }

  /// Clients that read only in bursts: the async server's writes suspend and its reading
  /// pauses, and every account still balances.
  @Test func slowReadersAreServedWithoutLoss() async throws {
    try await withGroup(loops: 2) { group in
      let server = try await group.listen(host: "127.0.0.1", port: 0)
      let serving = Task { try await server.serve(echo) }
      var load = LoadConfiguration(target: .tcp(host: "127.0.0.1", port: server.port!))
      load.connections = 8
      load.loops = 2
      load.scenario = .slowReader
      load.pipeline = 64
      load.payload = LoadConfiguration.defaultPayload(size: 4_096)
      load.duration = .seconds(1)
      load.drainTimeout = .seconds(2)
      let report = try await LoadGenerator(load).run()
      #expect(report.sent > 0)
      #expect(report.errors.total == 0)
      #expect(report.sent == report.received + report.inFlight + report.errors[.lostMessage])
      server.close()
      try await serving.value
    }
  }
}
