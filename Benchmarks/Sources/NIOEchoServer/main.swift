#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// An idiomatic SwiftNIO echo server on one event loop: the peer Eddy's echo-server is compared with;
// with --async, the same echo written on NIOAsyncChannel, the peer of `echo-server --async`.

do {
  let options = try ServerOptions(parsing: Array(CommandLine.arguments.dropFirst()))
  exit(options.isAsync ? await serveAsyncEcho(options) : serveEcho(options))
} catch {
  printError("NIOEchoServer: \(error)")
  printError(
    "usage: NIOEchoServer [--host HOST] [--port PORT] [--codec raw|line|length-prefix]"
      + " [--tls-cert PEM --tls-key PEM] [--async]")
  exit(64)
}
