import Eddy
import EddyTLS
import EddyTLSReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The server's side: every line is answered with itself.
final class LineEcho: StreamProtocol {
  private var transport: (any StreamTransport)?

  func connectionMade(_ transport: any StreamTransport) { self.transport = transport }

  func dataReceived(_ line: ByteBuffer) { transport?.write(line) }
}

/// The client's side: sends its lines, prints every answer, and closes after the last one.
final class LineClient: StreamProtocol {
  private let lines: [String]
  private var unanswered: Int
  private var transport: (any StreamTransport)?

  init(lines: [String]) {
    self.lines = lines
    self.unanswered = lines.count
  }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    for line in lines { transport.write(ByteBuffer(string: line)) }
    if unanswered == 0 { transport.close() }
  }

  func dataReceived(_ line: ByteBuffer) {
    print(line.string)
    unanswered -= 1
    if unanswered == 0 { transport?.close() }
  }

  func connectionLost(_ error: (any Error)?) {
    guard let error else { exit(0) }
    print("tls-lines: \(error)")
    exit(1)
  }
}

/// `tls-lines server CERT KEY PORT`: a TLS line echo on 127.0.0.1 with the certificate and key of
/// two PEM files. `tls-lines client CA PORT LINE...`: sends the lines to such a server, checking
/// that its certificate, signed by the CA in the PEM file, names localhost, and prints the answers.
@main enum TLSLines {
  static func main() throws {
    let arguments = CommandLine.arguments
    guard arguments.count >= 4, let port = Int(arguments[arguments[1] == "server" ? 4 : 3]) else {
      print("usage: tls-lines server CERT KEY PORT | tls-lines client CA PORT LINE...")
      exit(2)
    }
    let loop = try EventLoop()
    if arguments[1] == "server" {
      let tls = try TLSContext(
        .server(certificatePath: arguments[2], keyPath: arguments[3], timer: .eventLoop))
      let server = try loop.createServer(
        host: "127.0.0.1", port: port,
        protocolFactory: TLSLayer.factory(context: tls) { CodecLayer(codec: LineCodec(), upper: LineEcho()) })
      print("tls lines on \(server.addresses[0])")
    } else {
      let tls = try TLSContext(.client(caPath: arguments[2], serverName: "localhost", timer: .eventLoop))
      let lines = Array(arguments.dropFirst(4))
      let failed: @Sendable (any Error) -> Void = { error in
        print("tls-lines: \(error)")
        exit(1)
      }
      loop.execute {
        loop.createConnection(
          host: "127.0.0.1", port: port,
          protocolFactory: TLSLayer.factory(context: tls, onHandshakeFailure: failed) {
            CodecLayer(codec: LineCodec(), upper: LineClient(lines: lines))
          }
        ) { result in
          if case .failure(let error) = result { failed(error) }
        }
      }
    }
    loop.run()
  }
}
