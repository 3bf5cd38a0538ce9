import EddyReactor
import EddyTransports

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Blocks the main thread until SIGINT or SIGTERM, then stops the server: no more accepts,
/// every connection closed gracefully, and at most `grace` to let them drain.
enum ShutdownOnSignal {
  /// Installs the signal handlers, calls `ready` once they are in place (so a signal sent after
  /// it is handled, and every descriptor the shutdown needs is already open), then waits.
  static func wait(for server: Server, grace: Duration = .seconds(2), ready: @escaping @Sendable () -> Void)
    throws
  {
    let main = try EventLoop(name: "main")
    main.execute {
      let stop = {
        server.close()
        server.closeClients()
        let deadline = main.now + grace
        pollUntilDrained(server, loop: main, deadline: deadline)
      }
      do {
        try main.addSignalHandler(SIGINT, stop)
        try main.addSignalHandler(SIGTERM, stop)
        ready()
      } catch {
        main.errorHandler(error)
        main.stop()
      }
    }
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
