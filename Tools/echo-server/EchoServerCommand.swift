import ArgumentParser
import EddyCodecs
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

  @Option(
    help: "Codec stack from the wire upward: raw, line, length-prefix, zlib, zlib,line, zlib,length-prefix.")
  var codec = "raw"

  @Option(help: "Event loops to spread connections over.")
  var loops = 1

  @Option(name: .customLong("max-frame"), help: "Largest frame accepted, in bytes.")
  var maxFrame = 16 * 1024 * 1024

  func validate() throws {
    guard loops >= 1 else { throw ValidationError("--loops must be at least 1") }
    guard maxFrame >= 0 else { throw ValidationError("--max-frame must not be negative") }
    _ = try stack()
  }

  /// The codec stack named by `--codec`, with `--max-frame` applied.
  func stack() throws -> CodecStack {
    do {
      return try CodecStack(parsing: codec, maxFrameLength: maxFrame)
    } catch {
      throw ValidationError(error.description)
    }
  }

  func run() throws {
    let stack = try stack()
    let group = try EventLoopGroup(loops: loops, name: "echo")
    let server =
      if let unix {
        try group.createUnixServer(path: unix) { stack.wrap(EchoProtocol()) }
      } else {
        try group.createServer(host: host, port: port) { stack.wrap(EchoProtocol()) }
      }
    // The banner comes once the server can also be stopped: a client that connects, or a script
    // that signals, as soon as it reads the banner cannot find the process half set up.
    try ShutdownOnSignal.wait(for: server) {
      print("listening on \(server.addresses[0])")
      fflush(nil)
    }
    group.shutdown()
  }
}
