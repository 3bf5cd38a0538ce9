import EddyAsync
import EddyReactor
import EddyTransports

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a signal stops: `shutdown` stops accepting, lets the connections finish what is in
/// flight for at most the grace period given, aborts the rest, and calls its completion once
/// every connection has ended.
struct StoppableService: Sendable {
  let shutdown: @Sendable (_ grace: Duration, _ done: @escaping @Sendable () -> Void) -> Void

  /// A callback server, drained by the library's graceful shutdown.
  init(_ server: Server) {
    shutdown = { grace, done in server.shutdown(gracePeriod: grace, completion: done) }
  }

  /// An async server, drained by its graceful shutdown: idle handlers end, busy ones finish.
  init(_ server: AsyncServer) {
    shutdown = { grace, done in
      Task {
        await server.shutdown(gracePeriod: grace)
        done()
      }
    }
  }
}

/// Stops a service on SIGINT or SIGTERM and gives its connections at most `grace` to drain;
/// what is still open then is aborted.
///
/// The handlers are installed by ``init(grace:)``, before the server announces itself, so a
/// signal sent as soon as the server says it is listening is already handled.
struct ShutdownOnSignal {
  private let main: EventLoop
  private let requested = Locked<(stop: Bool, service: StoppableService?)>((false, nil))

  init(grace: Duration) throws {
    let main = try EventLoop(name: "main")
    self.main = main
    let requested = requested
    let stop = {
      let service = requested.withLock { state -> StoppableService? in
        state.stop = true
        return state.service
      }
      guard let service else { return main.stop() }
      service.shutdown(grace) { main.stop() }
    }
    try main.addSignalHandler(SIGINT, stop)
    try main.addSignalHandler(SIGTERM, stop)
  }

  /// Blocks the calling thread until a signal has stopped `service`.
  func wait(for service: StoppableService) {
    requested.withLock { $0.service = service }
    main.run()
    main.close()
  }
}
