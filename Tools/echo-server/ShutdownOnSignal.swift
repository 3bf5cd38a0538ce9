import EddyReactor
import EddyTransports

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a signal stops: `stop` ends accepting and closes the connections; `isDrained` tells
/// when the last one has gone.
struct StoppableService: Sendable {
  let stop: @Sendable () -> Void
  let isDrained: @Sendable () -> Bool

  /// A callback server: stop accepting, close every connection gracefully.
  init(_ server: Server) {
    stop = {
      server.close()
      server.closeClients()
    }
    isDrained = { server.connectionCount == 0 }
  }

  init(stop: @escaping @Sendable () -> Void, isDrained: @escaping @Sendable () -> Bool) {
    self.stop = stop
    self.isDrained = isDrained
  }
}

/// Stops a service on SIGINT or SIGTERM and gives its connections at most `grace` to drain.
///
/// The handlers are installed by ``init(grace:)``, before the server announces itself, so a
/// signal sent as soon as the server says it is listening is already handled.
struct ShutdownOnSignal {
  private let main: EventLoop
  private let requested = Locked<(stop: Bool, service: StoppableService?)>((false, nil))

  init(grace: Duration = .seconds(2)) throws {
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
    if service.isDrained() || loop.now >= deadline {
      loop.stop()
      return
    }
    loop.callLater(after: .milliseconds(20)) { pollUntilDrained(service, loop: loop, deadline: deadline) }
  }
}
