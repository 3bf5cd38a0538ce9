import Eddy
import EddyMetrics
import Prometheus

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `metrics-echo [PORT] [METRICS_PORT]`: a byte echo on 127.0.0.1:PORT (7009 by default) whose
/// connection and loop metrics go to swift-prometheus; any HTTP request to
/// 127.0.0.1:METRICS_PORT (9464 by default) is answered with the Prometheus text exposition.
@main enum MetricsEcho {
  static func main() throws {
    let arguments = CommandLine.arguments.dropFirst()
    let port = Int(arguments.first ?? "") ?? 7009
    let metricsPort = Int(arguments.dropFirst().first ?? "") ?? 9464
    let registry = PrometheusCollectorRegistry()
    let factory = PrometheusMetricsFactory(registry: registry)
    let group = try EventLoopGroup(loops: 2, name: "metrics-echo")
    EventLoopMetrics.install(on: group, factory: factory)
    let observer = ConnectionMetrics(server: "echo", factory: factory)
    let echo = try group.createServer(
      host: "127.0.0.1", port: port, options: ServerOptions(observer: observer)
    ) {
      Echo()
    }
    let metrics = try group.loops[0].createServer(host: "127.0.0.1", port: metricsPort) {
      Exposition(registry)
    }
    print("echo on \(echo.addresses[0]), metrics on \(metrics.addresses[0])")
    fflush(nil)
    while true { sleep(3600) }
  }
}

/// Writes back every byte.
final class Echo: StreamProtocol {
  private var transport: (any StreamTransport)?
  func connectionMade(_ transport: any StreamTransport) { self.transport = transport }
  func dataReceived(_ data: ByteBuffer) { transport?.write(data) }
}

/// Answers a request with the registry's metrics as an HTTP/1.0 response, then closes.
final class Exposition: StreamProtocol {
  private let registry: PrometheusCollectorRegistry
  private var transport: (any StreamTransport)?
  init(_ registry: PrometheusCollectorRegistry) { self.registry = registry }
  func connectionMade(_ transport: any StreamTransport) { self.transport = transport }

  func dataReceived(_ data: ByteBuffer) {
    guard let transport else { return }
    let body = registry.emitToBuffer()
    let head =
      "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: \(body.count)\r\n\r\n"
    transport.write(ByteBuffer(bytes: Array(head.utf8) + body))
    transport.close()
    self.transport = nil
  }
}
