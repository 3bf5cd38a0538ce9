import EddyReactor
import EddyTestSupport
import Foundation
import Testing

/// `--backend` on both tools: the loops wait on the backend named, and a name that is none is a
/// usage error.
@Suite(.serialized) struct BackendOptionTests {
  @Test(arguments: ["epoll", "io_uring", "auto"])
  func bothToolsEchoOnTheBackendNamed(backend: String) async throws {
    guard backend == "epoll" || offeredBackends.contains(.ioUring) else { return }
    try await withEchoServer(["--backend", backend]) { port, server in
      // The kernel object the server's loop waits on is the one asked for.
      let expected = backend == "epoll" ? "anon_inode:[eventpoll]" : "anon_inode:[io_uring]"
      #expect(descriptorTargets(of: server.pid).contains(expected), "\(descriptorTargets(of: server.pid))")
      let (status, json, process) = try await runLoadgen([
        "\(port)", "--requests", "3000", "--connections", "8", "--loops", "2", "--pipeline", "4",
        "--verify", "--backend", backend, "--json", "--quiet",
      ])
      #expect(status == 0, "\(process.standardError)")
      #expect(json?["received"] as? Int == 3000)
      #expect(json?["errors"] as? Int == 0)
    }
  }

  @Test func aBackendThatIsNoneExitsTwoNamingTheOption() async throws {
    let message = "--backend: expected epoll, io_uring or auto, not uring"
    let (status, _, process) = try await runLoadgen(["9", "--backend", "uring"])
    #expect(status == 2)
    #expect(process.standardError.contains(message), "\(process.standardError)")
    let server = try ChildProcess(Built.echoServer, ["--port", "0", "--backend", "uring"])
    #expect(await server.wait(seconds: 10) == 2)
    #expect(server.standardError.contains(message), "\(server.standardError)")
  }
}

/// What the descriptors of process `pid` point at (`socket:[…]`, `anon_inode:[eventpoll]`, …).
private func descriptorTargets(of pid: pid_t) -> [String] {
  let directory = "/proc/\(pid)/fd"
  let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
  return names.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\($0)") }
}
