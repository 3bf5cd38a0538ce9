import ArgumentParser
import EddyCodecs
import EddyProtocols
import EddyReactor
import EddyTLS
import EddyTLSReactor
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

  @Option(name: .customLong("tls-cert"), help: "Serve TLS with this PEM certificate chain (needs --tls-key).")
  var tlsCertificate: String?

  @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.")
  var tlsKey: String?

  @Flag(name: .customLong("async"), help: "Echo with async code (EddyAsync, a task per connection).")
  var asyncEcho = false

  func validate() throws {
    guard loops >= 1 else { throw ValidationError("--loops must be at least 1") }
    guard maxFrame >= 0 else { throw ValidationError("--max-frame must not be negative") }
    guard (tlsCertificate == nil) == (tlsKey == nil) else {
      throw ValidationError("--tls-cert and --tls-key go together")
    }
    guard !(asyncEcho && tlsCertificate != nil) else { throw ValidationError("--async does not serve TLS") }
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

  /// Echo under the codec stack, under TLS when a certificate was given.
  func protocolFactory(_ stack: CodecStack) throws -> @Sendable () -> any StreamProtocol {
    guard let tlsCertificate, let tlsKey else { return { stack.wrap(EchoProtocol()) } }
    let context = try TLSContext(.server(certificatePath: tlsCertificate, keyPath: tlsKey, timer: .eventLoop))
    return TLSLayer.factory(context: context) { stack.wrap(EchoProtocol()) }
  }

  /// The first line on standard output, flushed at once.
  func announce(_ address: String) {
    print("listening on \(address)")
    fflush(nil)
  }

  func run() throws {
    let stack = try stack()
    let shutdown = try ShutdownOnSignal()
    let group = try EventLoopGroup(loops: loops, name: "echo")
    if asyncEcho {
      let (address, service) = try AsyncEcho.start(
        group: group, host: host, port: port, unix: unix, stack: stack)
      announce(address)
      shutdown.wait(for: service)
    } else {
      let factory = try protocolFactory(stack)
      let server =
        if let unix {
          try group.createUnixServer(path: unix, protocolFactory: factory)
        } else {
          try group.createServer(host: host, port: port, protocolFactory: factory)
        }
      announce(server.addresses[0].description)
      shutdown.wait(for: StoppableService(server))
    }
    group.shutdown()
  }
}
