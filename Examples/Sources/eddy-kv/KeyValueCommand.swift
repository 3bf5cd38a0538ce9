import ArgumentParser
import EddyReactor
import EddyTransports
import KeyValue

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `eddy-kv`: a small Redis-compatible key-value server on one event loop, built on a typed RESP
/// codec (Examples/Sources/RESP) and the store's commands (Examples/Sources/KeyValue).
@main
struct KeyValueCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eddy-kv",
    abstract: "A Redis-compatible key-value server (PING, ECHO, GET, SET, DEL, INCR, EXPIRE, …) on Eddy.")

  @Option(help: "The TCP port to listen on, 0 for one the kernel picks (1 to 65535 otherwise).")
  var port = 6380

  @Option(help: "The address to listen on.")
  var host = "127.0.0.1"

  func validate() throws {
    guard (0...65535).contains(port) else { throw ValidationError("--port: must be between 0 and 65535") }
  }

  func run() throws {
    let loop = try EventLoop(name: "eddy-kv")
    let host = host
    let port = port
    // The store and the server are made on the loop's thread: everything the connections share
    // lives there, so none of it needs to be Sendable.
    loop.execute {
      let store = LoopBound(KeyValueStore(), loop: loop)
      do {
        let server = try loop.createServer(host: host, port: port) {
          KeyValueConnection.layer(store: store.value)
        }
        let stop = {
          server.close()
          server.closeClients()
          loop.stop()
        }
        try loop.addSignalHandler(SIGINT, stop)
        try loop.addSignalHandler(SIGTERM, stop)
        print("listening on \(host):\(server.port ?? port)")
        fflush(nil)
      } catch {
        FileHandleOutput.standardError("eddy-kv: \(error)\n")
        Glibc.exit(1)
      }
    }
    loop.run()
    loop.close()
  }
}

/// Writes to the standard streams without Foundation.
enum FileHandleOutput {
  static func standardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
  }
}
