import EddyReactor
import EddyTransports

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a signal stops: `stop` ends accepting and closes the connections gracefully (what is
/// in flight is still written); `isDrained` tells when the last one has gone; `abort` ends
/// those still open once the drain timeout has passed.
struct StoppableService: Sendable {
  let stop: @Sendable () -> Void
  let isDrained: @Sendable () -> Bool
  let abort: @Sendable () -> Void

  /// A callback server: stop accepting, close every connection gracefully, abort the rest.
  init(_ server: Server) {
    stop = {
      server.close()
      server.closeClients()
    }
    isDrained = { server.connectionCount == 0 }
    abort = { server.abortClients() }
  }

  init(
    stop: @escaping @Sendable () -> Void, isDrained: @escaping @Sendable () -> Bool,
    abort: @escaping @Sendable () -> Void
  ) {
    self.stop = stop
    self.isDrained = isDrained
    self.abort = abort
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
      service.stop()
      Self.pollUntilDrained(service, loop: main, deadline: main.now + grace)
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

  private static func pollUntilDrained(_ service: StoppableService, loop: EventLoop, deadline: Deadline) {
    if service.isDrained() {
      loop.stop()
      return
    }
    if loop.now >= deadline {
      service.abort()
      // The aborts run on the server's loops; give them a moment before the process exits.
      loop.callLater(after: .milliseconds(50)) { loop.stop() }
      return
    }
    loop.callLater(after: .milliseconds(20)) { pollUntilDrained(service, loop: loop, deadline: deadline) }
  }
}
