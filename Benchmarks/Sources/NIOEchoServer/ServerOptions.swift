/// The framing stacks the SwiftNIO echo server can echo.
enum EchoCodec: String, CaseIterable {
  /// Bytes are echoed as they arrive.
  case raw
  /// Frames end at `\n` (a `\r` before it is dropped); each is echoed followed by `\n`.
  case line
  /// Frames carry a 4-byte big-endian payload length; each is echoed with a fresh header.
  case lengthPrefix = "length-prefix"
}

/// The command line of `NIOEchoServer`:
/// `[--host HOST] [--port PORT] [--codec STACK] [--tls-cert PEM --tls-key PEM] [--async]`.
struct ServerOptions {
  /// The address to bind.
  var host = "127.0.0.1"
  /// The port to bind; 0 lets the kernel choose.
  var port = 0
  /// The framing applied to every connection.
  var codec = EchoCodec.raw
  /// The PEM certificate chain and private key to serve TLS with, under the framing; nil for
  /// plain TCP.
  var tlsFiles: (certificate: String, key: String)?
  /// Serve with SwiftNIO's async API (`NIOAsyncChannel`, one task per connection) instead of a
  /// channel handler.
  var isAsync = false

  /// A command-line mistake, reported on stderr before exiting with status 64.
  struct UsageError: Error, CustomStringConvertible {
    /// What was wrong.
    let description: String
  }

  /// Parses `arguments` (without the program name).
  init(parsing arguments: [String]) throws(UsageError) {
    var remaining = arguments[...]
    var certificate: String?
    var key: String?
    while let flag = remaining.popFirst() {
      if flag == "--async" {
        isAsync = true
        continue
      }
      guard let value = remaining.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
      switch flag {
      case "--host":
        host = value
      case "--port":
        guard let number = Int(value), (0...65535).contains(number) else {
          throw UsageError(description: "--port wants a number from 0 to 65535, not \(value)")
        }
        port = number
      case "--codec":
        guard let parsed = EchoCodec(rawValue: value) else {
          let known = EchoCodec.allCases.map(\.rawValue).joined(separator: ", ")
          throw UsageError(
            description: "--codec \(value) has no SwiftNIO stack here; known: \(known) "
              + "(swift-nio-extras has no raw zlib stream handlers, only HTTP compression)"
          )
        }
        codec = parsed
      case "--tls-cert":
        certificate = value
      case "--tls-key":
        key = value
      default:
        throw UsageError(description: "unknown option \(flag)")
      }
    }
    switch (certificate, key) {
    case (let certificate?, let key?):
      tlsFiles = (certificate, key)
    case (nil, nil):
      break
    default:
      throw UsageError(description: "--tls-cert and --tls-key go together")
    }
    if isAsync && tlsFiles != nil { throw UsageError(description: "--async serves plain TCP only") }
  }
}
