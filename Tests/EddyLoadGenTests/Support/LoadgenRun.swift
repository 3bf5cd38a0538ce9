import EddyTestSupport
import Foundation
import Testing

/// The built `loadgen` and `echo-server` executables, as a user runs them.
enum Built {
  static let loadgen = productsDirectory + "/loadgen"
  static let echoServer = productsDirectory + "/echo-server"
}

/// Runs `body` with the port of an `echo-server` (with `arguments`) started for it, then stops
/// the server and expects it to exit 0.
func withEchoServer(_ arguments: [String] = [], _ body: (Int) async throws -> Void) async throws {
  try await withEchoServer(arguments) { port, _ in try await body(port) }
}

/// ``withEchoServer(_:_:)`` whose `body` also gets the server's process.
func withEchoServer(
  _ arguments: [String] = [], _ body: (Int, ChildProcess) async throws -> Void
) async throws {
  let server = try ChildProcess(Built.echoServer, ["--port", "0"] + arguments)
  let line = try #require(await server.line(startingWith: "listening on "))
  try await body(try #require(listeningPort(in: line)), server)
  server.signal(SIGTERM)
  #expect(await server.wait(seconds: 10) == 0)
}

/// Runs loadgen (at most 60 s), returning its exit status and the JSON object on its last
/// stdout line.
func runLoadgen(_ arguments: [String]) async throws -> (Int32?, [String: Any]?, ChildProcess) {
  let process = try ChildProcess(Built.loadgen, arguments)
  let status = await process.wait(seconds: 60)
  let last = process.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
  let object = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
  return (status, object, process)
}
