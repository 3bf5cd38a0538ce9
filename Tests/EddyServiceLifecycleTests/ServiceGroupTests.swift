import EddyAsync
import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyServiceLifecycle
import EddyTestSupport
import EddyTransports
import Logging
import ServiceLifecycle
import Testing

/// Eddy's servers in a swift-service-lifecycle ServiceGroup: a graceful shutdown of the group
/// drains them — a request in flight is answered, the connections end, and `run()` returns.
@Suite struct ServiceGroupTests {
  static let lines = AsyncConnectionConfiguration(layers: CodecStack(layers: [.line(LineCodec())]).wrap)

  @Test func aGracefulShutdownAnswersTheRequestInFlightThenEndsEverything() async throws {
    let group = try EventLoopGroup(loops: 2, name: "service")
    let server = try await group.loops[0].listen(host: "127.0.0.1", port: 0, configuration: Self.lines)
    let busy = Locked(false)
    let service = AsyncServerService(server, gracePeriod: .seconds(5)) { connection in
      for try await line in connection.inbound {
        busy.withLock { $0 = true }
        try await Task.sleep(for: .milliseconds(300))
        try await connection.write(line)
      }
    }
    let serviceGroup = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: [.init(service: EventLoopGroupService(group)), .init(service: service)],
        logger: Logger(label: "test")))
    let running = Task { try await serviceGroup.run() }
    let client = try await group.loops[1].connect(
      host: "127.0.0.1", port: server.port!, configuration: Self.lines)
    try await client.write("in flight")
    #expect(await eventually { busy.withLock { $0 } })
    let start = ContinuousClock.now
    await serviceGroup.triggerGracefulShutdown()
    var replies: [String] = []
    for try await line in client.inbound { replies.append(line.string) }
    #expect(replies == ["in flight"])
    try await running.value
    #expect(ContinuousClock.now - start < .seconds(4))
    #expect(server.connectionCount == 0)
  }

  @Test func aCallbackServerDrainsWithCloseAndItsGroupStopsAfterIt() async throws {
    let group = try EventLoopGroup(loops: 1, name: "service")
    let server = try group.loops[0].createServer(host: "127.0.0.1", port: 0) { Echo() }
    let serviceGroup = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: [.init(service: EventLoopGroupService(group)), .init(service: ServerService(server))],
        logger: Logger(label: "test")))
    let running = Task { try await serviceGroup.run() }
    let connection = try await group.loops[0].connect(host: "127.0.0.1", port: server.port!)
    try await connection.write("ping")
    var iterator = connection.inbound.makeAsyncIterator()
    #expect(try await iterator.next()?.string == "ping")
    await serviceGroup.triggerGracefulShutdown()
    // The server closed the connection gracefully: the sequence ends.
    #expect(try await iterator.next() == nil)
    try await running.value
    #expect(server.connectionCount == 0)
  }
}
