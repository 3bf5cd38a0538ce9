import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

// README example begins
/// Writes back whatever it receives.
final class EchoProtocol: StreamProtocol {
  var transport: (any StreamTransport)?

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
  }

  func dataReceived(_ data: ByteBuffer) {
    transport?.write(data)
  }

  // Backpressure: stop reading from a peer that does not read its echoes.
  func pauseWriting() { transport?.pauseReading() }
  func resumeWriting() { transport?.resumeReading() }
}

func startEchoServer(port: Int) throws -> (EventLoopGroup, Server) {
  let group = try EventLoopGroup(loops: 2)
  let server = try group.createServer(host: "127.0.0.1", port: port) {
    EchoProtocol()
  }
  print("listening on \(server.addresses[0])")
  return (group, server)
}
// README example ends

@Suite struct ReadmeExampleTests {
  @Test func theReadmeEchoServerEchoes() async throws {
    let (group, server) = try startEchoServer(port: 0)
    defer { group.shutdown() }
    let log = ProbeLog()
    try await connect(group.next(), to: server.addresses[0]) {
      let probe = Probe(log: log)
      probe.onMade = { $0.transport!.write("hello, eddy") }
      return probe
    }
    #expect(await eventually { log.byteCount == 11 })
    #expect(String(decoding: log.bytes, as: UTF8.self) == "hello, eddy")
  }
}
