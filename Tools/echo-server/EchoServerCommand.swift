import ArgumentParser
import EddyProtocols
import EddyReactor
import EddyTransports

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `echo-server`: echoes every byte (or, with a codec stack, every frame) back to its sender.
@main
struct EchoServerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "echo-server",
    abstract: "An Eddy echo server: echoes bytes, or decoded frames re-encoded by the same codec stack.")

  @Option(help: "Address to listen on.")
  var host = "127.0.0.1"

  @Option(help: "Port to listen on (0: any free port).")
  var port = 0

  @Option(help: "Listen on this Unix-domain socket path instead of TCP.")
  var unix: String?

  @Option(help: "Codec stack from the wire upward: raw.")
  var codec = "raw"

  @Option(help: "Event loops to spread connections over.")
  var loops = 1

  @Option(name: .customLong("max-frame"), help: "Largest frame accepted, in bytes.")
  var maxFrame = 16 * 1024 * 1024

  func validate() throws {
    guard loops >= 1 else { throw ValidationError("--loops must be at least 1") }
    guard codec == "raw" else { throw ValidationError("unknown codec stack '\(codec)'; valid: raw") }
  }

  func run() throws {
    let group = try EventLoopGroup(loops: loops, name: "echo")
    let server =
      if let unix {
        try group.createUnixServer(path: unix) { EchoProtocol() }
      } else {
        try group.createServer(host: host, port: port) { EchoProtocol() }
      }
    print("listening on \(server.addresses[0])")
    fflush(nil)
    try ShutdownOnSignal.wait(for: server)
    group.shutdown()
  }
}
