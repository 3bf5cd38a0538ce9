import EddyLoadGen
import EddyTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// loadgen against a server written with something else: Python's asyncio.
@Suite struct InteropTests {
  private static var serverScript: String {
    let testFile = #filePath
    let testsDirectory = testFile[..<testFile.range(of: "/EddyLoadGenTests/")!.lowerBound]
    return testsDirectory + "/Interop/asyncio_echo_server.py"
  }

  @Test func countsMatchAnAsyncioEchoServer() async throws {
    let python = try ChildProcess("python3", [Self.serverScript])
    let listening = try #require(await python.line(startingWith: "listening on "))
    let port = try #require(listeningPort(in: listening))
    var configuration = testConfiguration(.tcp(host: "127.0.0.1", port: port))
    configuration.connections = 8
    configuration.requests = 3000
    configuration.pipeline = 4
    configuration.verify = true
    configuration.duration = .seconds(30)
    let report = try await LoadGenerator(configuration).run()
    python.signal(SIGTERM)
    let summary = try #require(await python.line(startingWith: "received "))
    #expect(await python.wait(seconds: 10) == 0)
    #expect(report.sent == 3000)
    #expect(report.received == 3000)
    #expect(report.errors.total == 0)
    #expect(summary == "received \(3000 * 64) bytes, 8 connections")
  }
}
