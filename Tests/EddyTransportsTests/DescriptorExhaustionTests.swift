import EddyProtocols
import EddyTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A server process that runs out of descriptors: `echo-server` started with a limit of 64 open
/// descriptors (`ulimit -n 64`) and offered far more connections than it can hold.
@Suite struct DescriptorExhaustionTests {
  @Test func aServerOutOfDescriptorsServesWhatItHoldsAndRecoversOnceClientsLeave() async throws {
    let tool = try #require(builtTool("echo-server"), "echo-server is built next to the tests")
    let server = try ChildProcess(script: "ulimit -n 64 && exec \"$0\" --port 0", arguments: [tool])
    let banner = try #require(await server.readLine())
    let port = try #require(Int(banner.split(separator: ":").last ?? ""), "banner: \(banner)")
    let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
    raiseDescriptorLimit(to: 4096)

    // 150 connections: the kernel completes them all, the server can accept about 55.
    var crowd = (0..<150).compactMap { _ in RawSocket(connectingTo: address) }
    #expect(crowd.count == 150)
    for client in crowd { client.send([7]) }
    try await Task.sleep(for: .milliseconds(500))
    let served = crowd.count { $0.receiveNow() == [7] }
    #expect(served > 0 && served < crowd.count, "served \(served) of \(crowd.count)")

    // Everyone leaves; the server closes their connections, accepts the backlog and closes it too.
    crowd.removeAll()
    let newcomers = (0..<20).compactMap { _ in RawSocket(connectingTo: address) }
    #expect(newcomers.count == 20)
    for client in newcomers { client.send([9]) }
    var echoed = Set<Int>()
    for _ in 0..<200 where echoed.count < newcomers.count {
      for (index, client) in newcomers.enumerated() where client.receiveNow() == [9] { echoed.insert(index) }
      try await Task.sleep(for: .milliseconds(25))
    }
    #expect(echoed.count == newcomers.count)

    server.signal(SIGTERM)
    #expect(await server.wait(seconds: 10) == 0)
  }
}
