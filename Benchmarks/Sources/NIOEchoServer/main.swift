#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// An idiomatic SwiftNIO echo server on one event loop: the peer Eddy's echo-server is compared with.

do {
  exit(serveEcho(try ServerOptions(parsing: Array(CommandLine.arguments.dropFirst()))))
} catch {
  printError("NIOEchoServer: \(error)")
  printError(
    "usage: NIOEchoServer [--host HOST] [--port PORT] [--codec raw|line|length-prefix]"
      + " [--tls-cert PEM --tls-key PEM]")
  exit(64)
}
