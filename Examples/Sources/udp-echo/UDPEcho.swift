import Eddy

/// Sends every datagram back where it came from.
final class DatagramEcho: DatagramProtocol {
  private var transport: (any DatagramTransport)?

  func connectionMade(_ transport: any DatagramTransport) { self.transport = transport }

  func datagramReceived(_ data: ByteBuffer, from address: SocketAddress) {
    transport?.send(data, to: address)
  }
}

/// `udp-echo [PORT]`: a UDP echo on 127.0.0.1 (port 7003 by default).
@main enum UDPEcho {
  static func main() throws {
    let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 7003
    let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
    let loop = try EventLoop()
    loop.execute {
      do {
        let endpoint = try loop.createDatagramEndpoint(local: address) { DatagramEcho() }
        print("udp echo on \(endpoint.localAddress ?? address)")
      } catch {
        fatalError("udp-echo: \(error)")
      }
    }
    loop.run()
  }
}
