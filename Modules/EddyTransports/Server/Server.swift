import CEddySystem
import EddyProtocols
import EddyReactor
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A listening server. On a group of loops (Linux, TCP) every loop listens on the same port with
/// `SO_REUSEPORT` and accepts its own connections, so no single loop does every accept; otherwise
/// (one loop, Unix sockets, ``ServerOptions/acceptsOnEveryLoop`` off) the first loop accepts and
/// spreads connections over the loops round-robin.
///
/// Create one with `EventLoop.createServer`, `EventLoopGroup.createServer` or their Unix-socket
/// variants. All of its methods are safe from any thread.
public final class Server: Sendable {
  /// The bound addresses (with the ports the kernel picked when port 0 was asked for).
  public let addresses: [SocketAddress]
  let options: ServerOptions
  private let acceptLoop: EventLoop
  private let loops: [EventLoop]
  private let connections: [ConnectionRegistry]
  private let protocolFactory: @Sendable () -> any StreamProtocol
  private let listeners: ListenerSet
  private let state = Locked(ServerState())
  private let cursor = Atomic<Int>(0)
  /// The last connection id handed out (ids count from 1, per server; they name connections in
  /// the log).
  private let connectionIDs = Atomic<UInt64>(0)
  private let log: ServerLog

  fileprivate struct ServerState {
    /// `close()` was called.
    var isClosed = false
    /// The listening sockets are released.
    var listenersClosed = false
    var openConnections = 0
    /// Listening sockets not yet closed.
    var openListeners = 0
    /// Called once the server is closed and no connection is left.
    var waiters: [@Sendable () -> Void] = []
  }

  init(
    addresses: [SocketAddress], loops: [EventLoop], options: ServerOptions,
    protocolFactory: @escaping @Sendable () -> any StreamProtocol
  ) throws(ListenError) {
    self.acceptLoop = loops[0]
    self.loops = loops
    self.options = options
    self.protocolFactory = protocolFactory
    let log = ServerLog(logger: options.logger)
    self.log = log
    let loopBudget = options.bufferBudget.map { $0 / loops.count }
    self.connections = loops.map {
      ConnectionRegistry(
        loop: $0, idleTimeout: options.idleTimeout, frameTimeout: options.frameTimeout, budget: loopBudget,
        observer: options.observer, log: log)
    }
    self.listeners = ListenerSet()
    var bound: [SocketAddress] = []
    var made: [(listener: Listener, loopIndex: Int?)] = []
    for address in addresses {
      let perLoop = Self.acceptsOnEveryLoop(address, loops: loops, options: options)
      var listening = options
      if perLoop { listening.reusePort = true }
      do {
        let first = try Listener(address: address, options: listening, loop: acceptLoop)
        made.append((first, perLoop ? 0 : nil))
        bound.append(first.address)
        // The other loops bind the port the first one got (port 0 asks the kernel once).
        if perLoop {
          for index in loops.indices.dropFirst() {
            made.append((try Listener(address: first.address, options: listening, loop: loops[index]), index))
          }
        }
      } catch {
        for (listener, _) in made { listener.closeUnregistered() }
        throw .bindFailed(address: address.description, error: error)
      }
    }
    self.addresses = bound
    for (listener, loopIndex) in made {
      // The listener keeps the server alive until it is closed, like a running asyncio server.
      listener.onAccept = { [self] fd, isTCP in accepted(fd, isTCP: isTCP, on: loopIndex) }
    }
    listeners.items = made.map(\.listener)
    state.withLock { $0.openListeners = made.count }
    for index in listeners.items.indices {
      listeners.items[index].loop.execute { [listeners] in listeners.items[index].start() }
    }
  }

  /// Whether `address` gets a listening socket on every loop.
  private static func acceptsOnEveryLoop(_ address: SocketAddress, loops: [EventLoop], options: ServerOptions)
    -> Bool
  {
    #if os(Linux)
      options.acceptsOnEveryLoop && loops.count > 1 && address.family != AF_UNIX
    #else
      false
    #endif
  }

  /// The first bound port (a convenience for servers started on port 0).
  public var port: Int? { addresses.first?.port }

  /// The number of connections open right now.
  public var connectionCount: Int { state.withLock { $0.openConnections } }

  /// Called on a listener's loop with a new connection's descriptor, which that loop serves
  /// when `loopIndex` names it (a listener per loop), else the next loop round-robin; one beyond
  /// the connection limit is closed at once.
  func accepted(_ fd: Int32, isTCP: Bool, on loopIndex: Int?) {
    let admitted = state.withLock { state in
      guard options.maxConnections == 0 || state.openConnections < options.maxConnections else {
        return false
      }
      state.openConnections += 1
      return true
    }
    guard admitted else {
      systemClose(fd)
      log.refused(limit: options.maxConnections)
      return
    }
    let index = loopIndex ?? cursor.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count
    let loop = loops[index]
    if loop.isInLoopThread {
      serve(fd, isTCP: isTCP, on: loop, registry: connections[index])
    } else {
      let registry = connections[index]
      loop.execute { [self] in serve(fd, isTCP: isTCP, on: loop, registry: registry) }
    }
  }

  private func serve(_ fd: Int32, isTCP: Bool, on loop: EventLoop, registry: ConnectionRegistry) {
    if options.noDelay && isTCP {
      try? Socket.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
    }
    if !options.socketOptions.isEmpty {
      do {
        try SocketOption.apply(
          options.socketOptions, to: fd, family: Socket.localAddress(fd)?.family ?? AF_UNIX)
      } catch {
        loop.errorHandler(error)
      }
    }
    let transport = SocketStreamTransport(loop: loop, fd: fd, protocol: protocolFactory())
    let key = registry.insert(transport)
    let metadata = log.metadata(id: connectionIDs.wrappingAdd(1, ordering: .relaxed).newValue, fd: fd)
    if let metadata { log.accepted(metadata) }
    let observer = options.observer
    observer?.connectionOpened(on: loop)
    transport.onClose = { [self, unowned transport] error in
      registry.remove(key)
      // Why it ended is looked for only when someone is told.
      if observer != nil || metadata != nil {
        let reason = LayerStack.endReason(over: transport, transportError: error)
        observer?.connectionClosed(on: loop, error: reason)
        if let metadata { log.closed(metadata, error: reason) }
      }
      connectionEnded()
    }
    do {
      try transport.start()
    } catch {
      registry.remove(key)
      observer?.connectionClosed(on: loop, error: error)
      if let metadata { log.closed(metadata, error: error) }
      connectionEnded()
      loop.errorHandler(error)
    }
  }

  private func connectionEnded() {
    let ready = state.withLock { state -> [@Sendable () -> Void] in
      state.openConnections -= 1
      return state.takeWaitersIfDone()
    }
    for waiter in ready { waiter() }
  }

  /// Stops listening. Open connections go on (see ``closeClients()`` and ``abortClients()``).
  /// Idempotent.
  public func close() {
    let alreadyClosed = state.withLock { state -> Bool in
      defer { state.isClosed = true }
      return state.isClosed
    }
    guard !alreadyClosed else { return }
    // Each listener is closed on its own loop; the last one closed marks the sockets released.
    for index in listeners.items.indices {
      listeners.items[index].loop.execute { [self] in
        listeners.items[index].close()
        let ready = state.withLock { state -> [@Sendable () -> Void] in
          state.openListeners -= 1
          guard state.openListeners == 0 else { return [] }
          state.listenersClosed = true
          return state.takeWaitersIfDone()
        }
        for waiter in ready { waiter() }
      }
    }
  }

  /// Closes every open connection gracefully: each drains its write buffer, then closes.
  public func closeClients() {
    for registry in connections { registry.loop.execute { registry.closeAll() } }
  }

  /// Aborts every open connection at once.
  public func abortClients() {
    for registry in connections { registry.loop.execute { registry.abortAll() } }
  }

  /// Shuts down gracefully: stops listening and closes every connection gracefully (what was
  /// written is still sent; through a TLS layer, close_notify too), aborts the connections still
  /// open after `gracePeriod`, and calls `completion` once every connection has ended (on the
  /// thread of the loop where the last one ended, or at once when none is open). Safe from any
  /// thread; the drain behind echo-server's `--drain-timeout`.
  public func shutdown(gracePeriod: Duration, completion: @escaping @Sendable () -> Void = {}) {
    close()
    closeClients()
    abortClients(after: gracePeriod, completion: completion)
  }

  /// Aborts the connections still open after `gracePeriod` and calls `completion` once every
  /// connection has ended: the deadline of a graceful shutdown, whoever asked the connections to
  /// finish (this server's ``closeClients()``, or an async server ending their input).
  package func abortClients(after gracePeriod: Duration, completion: @escaping @Sendable () -> Void) {
    let finished = Locked(false)
    acceptLoop.execute { [self] in
      acceptLoop.callLater(after: gracePeriod) { [self] in
        if !finished.withLock({ $0 }) { abortClients() }
      }
    }
    whenClosed {
      finished.withLock { $0 = true }
      completion()
    }
  }

  /// Shuts down gracefully as ``shutdown(gracePeriod:completion:)`` does, and returns once
  /// every connection has ended.
  public func shutdown(gracePeriod: Duration) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      shutdown(gracePeriod: gracePeriod) { continuation.resume() }
    }
  }

  /// Returns once the server is closed and every connection it accepted has ended.
  public func waitClosed() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      whenClosed { continuation.resume() }
    }
  }

  /// Calls `body` once the server is closed and every connection it accepted has ended: at
  /// once, on the calling thread, if that is so already; otherwise on the thread of the loop
  /// where the last of them ended. The callback form of ``waitClosed()``, for code that is not
  /// `async`.
  public func whenClosed(_ body: @escaping @Sendable () -> Void) {
    let done = state.withLock { state -> Bool in
      if state.isDone { return true }
      state.waiters.append(body)
      return false
    }
    if done { body() }
  }
}

extension Server.ServerState {
  /// True once the server is closed, its sockets released and no connection is left.
  fileprivate var isDone: Bool { isClosed && listenersClosed && openConnections == 0 }

  /// Hands back the waiters once the server is closed and no connection is left.
  fileprivate mutating func takeWaitersIfDone() -> [@Sendable () -> Void] {
    guard isDone else { return [] }
    defer { waiters.removeAll() }
    return waiters
  }
}

/// The listeners of one server: the array is fixed once the server is made, and each listener
/// is touched only on its own loop after that.
final class ListenerSet: @unchecked Sendable {
  var items: [Listener] = []
}
