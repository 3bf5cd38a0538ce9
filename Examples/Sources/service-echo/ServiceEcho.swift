import Eddy
import EddyServiceLifecycle
import Logging
import ServiceLifecycle

/// `service-echo [PORT]`: a line echo on 127.0.0.1 (port 7008 by default) run as a
/// swift-service-lifecycle ServiceGroup. Each line is answered after 100 ms of "work"; on SIGTERM
/// the group shuts down gracefully: no new connections, every line received is still answered,
/// then the connections close, the loops stop and the process exits 0.
@main enum ServiceEcho {
  static func main() async throws {
    let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 7008
    let group = try EventLoopGroup(loops: 2, name: "service-echo")
    let lines = AsyncConnectionConfiguration(layers: CodecStack(layers: [.line(LineCodec())]).wrap)
    let server = try await group.listen(host: "127.0.0.1", port: port, configuration: lines)
    let echo = AsyncServerService(server, gracePeriod: .seconds(5)) { connection in
      for try await line in connection.inbound {
        try await Task.sleep(for: .milliseconds(100))
        try await connection.write(line)
      }
    }
    let services = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: [.init(service: EventLoopGroupService(group)), .init(service: echo)],
        gracefulShutdownSignals: [.sigterm], logger: Logger(label: "service-echo")))
    try await services.run()
  }
}
