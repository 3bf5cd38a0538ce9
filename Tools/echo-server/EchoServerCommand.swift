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

  @Option(parsing: .unconditional, help: "Port to listen on (0: any free port).")
  var port = 0

  @Option(help: "Listen on this Unix-domain socket path instead of TCP.")
  var unix: String?

  @Option(
    help: ArgumentHelp(
      "Codec stack from the wire upward, layers joined by commas, each NAME[:KEY=VALUE...]; raw: none.",
      discussion: """
        Layers, lowest first: tls (no keys; needs --tls-cert and --tls-key), zlib (format=zlib|gzip|raw, \
        level=0..9, window=9..15, memory=1..9, max-ratio=N), then one of line \
        (delimiter=lf|crlf|nul|0xHH..., max=BYTES) or length-prefix (width=1|2|3|4|8, endian=big|little, \
        offset=N, adjust=N, strip=N|header, max=BYTES). Examples: line:delimiter=crlf, \
        zlib:format=gzip:level=1,line, length-prefix:width=2:endian=little, tls,line.
        """,
      valueName: "stack"))
  var codec = "raw"

  @Option(parsing: .unconditional, help: "Event loops to spread connections over.")
  var loops = 1

  @Option(
    help: ArgumentHelp(
      "How the loops learn of ready sockets: epoll, io_uring, or auto (io_uring where the kernel allows it, else epoll). Default: $EDDY_BACKEND, else epoll.",
      valueName: "backend"))
  var backend: String?

  @Option(
    name: .customLong("max-frame"),
    help: "Largest frame accepted, in bytes: the default max of length-prefix.")
  var maxFrame = 16 * 1024 * 1024

  @Option(
    name: .customLong("tls-cert"),
    help: "Serve TLS (a tls layer first in --codec) with this PEM certificate chain (needs --tls-key).")
  var tlsCertificate: String?

  @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.")
  var tlsKey: String?

  @Flag(name: .customLong("async"), help: "Echo with async code (EddyAsync, a task per connection).")
  var asyncEcho = false

  @Option(
    name: .customLong("idle-timeout"), parsing: .unconditional,
    help: ArgumentHelp(
      "Close a connection that sends nothing and has nothing to write for this long (0: never).",
      valueName: "seconds"))
  var idleTimeout: Double = 0

  @Option(
    name: .customLong("drain-timeout"), parsing: .unconditional,
    help: ArgumentHelp(
      "On SIGINT/SIGTERM: seconds for connections to finish what is in flight before the rest are aborted.",
      valueName: "seconds"))
  var drainTimeout: Double = 5

  @Option(
    name: .customLong("max-connections"), parsing: .unconditional,
    help: ArgumentHelp(
      "Close connections beyond this many at once, the others go on (0: no limit).", valueName: "n"))
  var maxConnections = 0

  @Option(
    name: .customLong("frame-timeout"), parsing: .unconditional,
    help: ArgumentHelp(
      "Abort a connection whose frame has begun but not ended for this long (0: never).", valueName: "seconds"
    ))
  var frameTimeout: Double = 0

  @Option(
    name: .customLong("buffer-budget"), parsing: .unconditional,
    help: ArgumentHelp(
      "Bytes all connections together may buffer (unfinished frames, unsent echoes); past it the one holding the most stops being read, then is aborted (0: no budget).",
      valueName: "bytes"))
  var bufferBudget = ServerOptions.defaultBufferBudget

  func validate() throws {
    guard (0...65535).contains(port) else {
      throw usageFailure("--port: must be between 0 and 65535, not \(port)")
    }
    guard (1...1024).contains(loops) else {
      throw usageFailure("--loops: must be between 1 and 1024, not \(loops)")
    }
    if let backend, EventLoopBackend(rawValue: backend) == nil {
      throw usageFailure("--backend: expected \(EventLoopBackend.names), not \(backend)")
    }
    guard maxFrame >= 0 else { throw usageFailure("--max-frame: must not be negative") }
    guard idleTimeout.isFinite, (0...(365 * 24 * 3600)).contains(idleTimeout) else {
      throw usageFailure("--idle-timeout: must be between 0 and 31536000 seconds, not \(idleTimeout)")
    }
    guard drainTimeout.isFinite, (0...3600).contains(drainTimeout) else {
      throw usageFailure("--drain-timeout: must be between 0 and 3600 seconds, not \(drainTimeout)")
    }
    guard (0...10_000_000).contains(maxConnections) else {
      throw usageFailure("--max-connections: must be between 0 and 10000000, not \(maxConnections)")
    }
    guard frameTimeout.isFinite, (0...(365 * 24 * 3600)).contains(frameTimeout) else {
      throw usageFailure("--frame-timeout: must be between 0 and 31536000 seconds, not \(frameTimeout)")
    }
    guard (0...(1 << 50)).contains(bufferBudget) else {
      throw usageFailure("--buffer-budget: must be between 0 and \(1 << 50) bytes, not \(bufferBudget)")
    }
    guard (tlsCertificate == nil) == (tlsKey == nil) else {
      throw ValidationError("--tls-cert and --tls-key go together")
    }
    let stack = try stack()
    guard !stack.usesTLS || tlsCertificate != nil else {
      throw usageFailure("--codec: layer 'tls' needs --tls-cert and --tls-key")
    }
    guard !(asyncEcho && tlsCertificate != nil) else { throw ValidationError("--async does not serve TLS") }
  }

  /// `seconds` (validated finite and in range) as a duration, to the nearest nanosecond.
  private static func duration(seconds: Double) -> Duration {
    .nanoseconds(Int64((seconds * 1e9).rounded()))
  }

  /// The server options the limits ask for.
  var serverOptions: ServerOptions {
    ServerOptions(
      maxConnections: maxConnections,
      idleTimeout: idleTimeout > 0 ? Self.duration(seconds: idleTimeout) : nil,
      frameTimeout: frameTimeout > 0 ? Self.duration(seconds: frameTimeout) : nil,
      bufferBudget: bufferBudget > 0 ? bufferBudget : nil)
  }

  /// The codec stack named by `--codec`, with `--max-frame` applied; a stack that does not parse
  /// ends the command with status 2.
  func stack() throws -> CodecStack {
    do {
      return try CodecStack(parsing: codec, maxFrameLength: maxFrame)
    } catch {
      throw usageFailure("--codec: \(error)")
    }
  }

  /// Reports a usage error on standard error; the returned exit code (2) ends the command.
  func usageFailure(_ message: String) -> ExitCode {
    fflush(nil)
    var line = "echo-server: \(message)\n"
    line.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    return ExitCode(2)
  }

  /// Echo under the codec stack, under TLS when a certificate was given (whether or not the
  /// stack names `tls`: the certificate alone means TLS, as it always has). TLS joins the stack
  /// as its lowest layer, in place of the stack's `tls` mark.
  func protocolFactory(_ parsed: CodecStack) throws -> @Sendable () -> any StreamProtocol {
    var stack = parsed
    if let tlsCertificate, let tlsKey {
      let context = try TLSContext(
        .server(certificatePath: tlsCertificate, keyPath: tlsKey, timer: .eventLoop))
      let tls = CustomLayer(name: "tls") { above in TLSLayer(context: context, protocol: above) }
      stack = CodecStack(layers: parsed.layers, usesTLS: true).replacingTLSMark(with: tls)
    }
    return { [stack] in stack.wrap(EchoProtocol()) }
  }

  /// The first line on standard output, flushed at once.
  func announce(_ address: String) {
    print("listening on \(address)")
    fflush(nil)
  }

  func run() throws {
    let stack = try stack()
    let shutdown = try ShutdownOnSignal(grace: Self.duration(seconds: drainTimeout))
    let group = try EventLoopGroup(
      loops: loops, name: "echo", backend: backend.flatMap(EventLoopBackend.init(rawValue:)))
    if asyncEcho {
      let (address, service) = try AsyncEcho.start(
        group: group, host: host, port: port, unix: unix, stack: stack, options: serverOptions)
      announce(address)
      shutdown.wait(for: service)
    } else {
      let factory = try protocolFactory(stack)
      let server =
        if let unix {
          try group.createUnixServer(path: unix, options: serverOptions, protocolFactory: factory)
        } else {
          try group.createServer(host: host, port: port, options: serverOptions, protocolFactory: factory)
        }
      announce(server.addresses[0].description)
      shutdown.wait(for: StoppableService(server))
    }
    group.shutdown()
  }
}
