import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

/// Echoes, and notes which loop serves its connection.
private final class LoopNotingEcho: StreamProtocol {
  let loops: Locked<[ObjectIdentifier: Int]>
  private var transport: (any StreamTransport)?

  init(loops: Locked<[ObjectIdentifier: Int]>) { self.loops = loops }

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    if let socket = transport as? SocketStreamTransport {
      loops.withLock { $0[ObjectIdentifier(socket.loop), default: 0] += 1 }
    }
  }

  func dataReceived(_ data: ByteBuffer) { transport?.write(data) }
}

/// A server on a group of loops listens once per loop, so every loop accepts its own connections.
@Suite(.serialized) struct AcceptOnEveryLoopTests {
  private func serve(
    loops count: Int, options: ServerOptions = ServerOptions()
  ) throws -> (EventLoopGroup, Server, Locked<[ObjectIdentifier: Int]>) {
    let group = try EventLoopGroup(loops: count, name: "accept")
    let loops = Locked<[ObjectIdentifier: Int]>([:])
    let server = try group.createServer(host: "127.0.0.1", port: 0, options: options) {
      LoopNotingEcho(loops: loops)
    }
    return (group, server, loops)
  }

  private func echoes(_ socket: RawSocket) -> Bool {
    socket.send(Array("ping".utf8)) && socket.receive() == Array("ping".utf8)
  }

  @Test func everyLoopListensAndAcceptsItsOwnConnections() async throws {
    let (group, server, loops) = try serve(loops: 2)
    defer { group.shutdown() }
    let port = server.port!
    // One listening socket per loop on the one port.
    #expect(await eventually { serverSockets(port: port) == 2 })
    var clients = (0..<40).compactMap { _ in RawSocket(connectingTo: server.addresses[0]) }
    #expect(clients.count == 40)
    #expect(clients.allSatisfy(echoes))
    let served = loops.withLock { $0 }
    #expect(served.count == 2, "connections landed on \(served.count) loop(s): \(served.values)")
    #expect(served.values.reduce(0, +) == 40)
    clients.removeAll()
    #expect(await eventually { server.connectionCount == 0 })
    server.close()
    await server.waitClosed()
    #expect(serverSockets(port: port) == 0)
  }

  @Test func withItOffTheFirstLoopAcceptsAndSpreadsRoundRobin() async throws {
    let (group, server, loops) = try serve(loops: 2, options: ServerOptions(acceptsOnEveryLoop: false))
    defer { group.shutdown() }
    #expect(await eventually { serverSockets(port: server.port!) == 1 })
    var clients = (0..<10).compactMap { _ in RawSocket(connectingTo: server.addresses[0]) }
    #expect(clients.allSatisfy(echoes))
    #expect(loops.withLock { $0.values.sorted() } == [5, 5])
    clients.removeAll()
    #expect(await eventually { server.connectionCount == 0 })
    server.close()
    await server.waitClosed()
  }
}
