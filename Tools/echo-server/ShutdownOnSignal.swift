import EddyReactor
import EddyTransports

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Stops a server on SIGINT or SIGTERM: no more accepts, every connection closed gracefully,
/// and at most `grace` to let them drain.
///
/// The handlers are installed by ``init(grace:)``, before the server announces itself, so a
/// signal sent as soon as the server says it is listening is already handled.
struct ShutdownOnSignal {
  private let main: EventLoop
  private let requested = Locked<(stop: Bool, server: Server?)>((false, nil))

  init(grace: Duration = .seconds(2)) throws {
    let main = try EventLoop(name: "main")
    self.main = main
    let requested = requested
    let stop = {
      let server = requested.withLock { state -> Server? in
        state.stop = true
        return state.server
      }
      guard let server else { return main.stop() }
      server.close()
      server.closeClients()
      Self.pollUntilDrained(server, loop: main, deadline: main.now + grace)
    }
    try main.addSignalHandler(SIGINT, stop)
    try main.addSignalHandler(SIGTERM, stop)
  }

  /// Blocks the calling thread until a signal has stopped `server`.
  func wait(for server: Server) {
    requested.withLock { $0.server = server }
    main.run()
    main.close()
  }

  private static func pollUntilDrained(_ server: Server, loop: EventLoop, deadline: Deadline) {
    if server.connectionCount == 0 || loop.now >= deadline {
      loop.stop()
      return
    }
    loop.callLater(after: .milliseconds(20)) { pollUntilDrained(server, loop: loop, deadline: deadline) }
  }
}
