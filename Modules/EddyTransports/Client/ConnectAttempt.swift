import CEddySystem
import EddyProtocols
import EddyReactor
import Logging

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// One outgoing connection in the making, racing the resolved addresses as Happy Eyeballs
/// (RFC 8305) does: the families interleaved, a new attempt started every
/// ``ConnectOptions/attemptDelay`` while none has connected (and at once when one fails), the
/// first to connect kept and the others closed, all within one overall timeout; it reports
/// exactly once. A delay of zero tries the addresses one after another.
final class ConnectAttempt {
  typealias Completion = (Result<SocketStreamTransport, ConnectError>) -> Void

  private let loop: EventLoop
  private let target: String
  private let options: ConnectOptions
  private let protocolFactory: () -> any StreamProtocol
  private var completion: Completion?
  private var addresses: [SocketAddress] = []
  private var nextAddress = 0
  /// The attempts in flight.
  private var racers: [AddressAttempt] = []
  private var timer: CallbackHandle?
  /// Starts the next attempt when the current ones have not connected within the delay.
  private var staggerTimer: CallbackHandle?
  private var lastError: ConnectError?

  init(
    loop: EventLoop, target: String, options: ConnectOptions,
    protocolFactory: @escaping () -> any StreamProtocol, completion: @escaping Completion
  ) {
    self.loop = loop
    self.target = target
    self.options = options
    self.protocolFactory = protocolFactory
    self.completion = completion
  }

  /// Starts the timeout; call before resolution begins.
  func armTimeout() {
    guard let timeout = options.timeout else { return }
    timer = loop.callLater(after: timeout) { [self] in fail(.timedOut(host: target)) }
  }

  /// Continues with resolved addresses (or reports the resolution failure).
  func resolved(_ result: Result<[SocketAddress], ConnectError>) {
    guard completion != nil else { return }
    switch result {
    case .success(let found):
      addresses = Self.interleavingFamilies(found)
      startNextAttempt()
    case .failure(let error):
      fail(error)
    }
  }

  /// The addresses with their families alternating, the first family first (RFC 8305, 4).
  static func interleavingFamilies(_ addresses: [SocketAddress]) -> [SocketAddress] {
    guard let first = addresses.first else { return [] }
    var preferred = addresses.filter { $0.family == first.family }[...]
    var others = addresses.filter { $0.family != first.family }[...]
    var result: [SocketAddress] = []
    while !preferred.isEmpty || !others.isEmpty {
      if let next = preferred.popFirst() { result.append(next) }
      if let next = others.popFirst() { result.append(next) }
    }
    return result
  }

  /// Starts an attempt on the next address that can be tried; arms the delay before the one
  /// after it. Fails once nothing is left and nothing is in flight.
  private func startNextAttempt() {
    staggerTimer?.cancel()
    staggerTimer = nil
    while completion != nil && nextAddress < addresses.count {
      let address = addresses[nextAddress]
      nextAddress += 1
      do {
        let racer = try AddressAttempt(address: address, options: options, loop: loop, owner: self)
        if racer.isConnected {
          won(racer)
          return
        }
        racers.append(racer)
        if nextAddress < addresses.count && options.attemptDelay > .zero {
          staggerTimer = loop.callLater(after: options.attemptDelay) { [self] in startNextAttempt() }
        }
        return
      } catch {
        lastError = ConnectError(connecting: address.description, error: error)
      }
    }
    if completion != nil && racers.isEmpty {
      fail(lastError ?? .resolutionFailed(host: target, code: 0, message: "no addresses"))
    }
  }

  /// An attempt finished connecting, or failed with `errno`.
  fileprivate func finished(_ racer: AddressAttempt, errno: Int32) {
    guard completion != nil else { return }
    guard errno != 0 else {
      won(racer)
      return
    }
    racers.removeAll { $0 === racer }
    racer.close()
    lastError = ConnectError(
      connecting: racer.address.description, error: SystemError("connect", errno: errno))
    // A failure starts the next address at once instead of waiting out the delay.
    startNextAttempt()
  }

  /// The loop is closing under the attempt.
  fileprivate func loopClosing() {
    fail(.cancelled)
  }

  /// Gives up unless the attempt has already completed.
  func cancel() {
    fail(.cancelled)
  }

  private func won(_ winner: AddressAttempt) {
    guard let completion else { return }
    self.completion = nil
    endRace(keeping: winner)
    let fd = winner.takeDescriptor()
    let transport = SocketStreamTransport(loop: loop, fd: fd, protocol: protocolFactory())
    let logger = options.logger
    let metadata =
      logger.logsConnections
      ? Logger.connectionMetadata(peer: Socket.peerAddress(fd), local: Socket.localAddress(fd)) : nil
    if let metadata { logger.debug("connected", metadata: metadata) }
    let observer = options.observer
    if let observer {
      transport.traffic = observer.traffic(on: loop)
      observer.connectionOpened(on: loop)
    }
    if observer != nil || metadata != nil {
      let loop = loop
      transport.onClose = { [unowned transport] error in
        // Why it ended is looked for only when someone is told.
        let reason = LayerStack.endReason(over: transport, transportError: error)
        observer?.connectionClosed(on: loop, error: reason)
        if let metadata { logger.connectionClosed(metadata, error: reason) }
      }
    }
    do {
      try transport.start()
      completion(.success(transport))
    } catch {
      observer?.connectionClosed(on: loop, error: error)
      if let metadata { logger.connectionClosed(metadata, error: error) }
      completion(.failure(.system(error)))
    }
  }

  private func fail(_ error: ConnectError) {
    guard let completion else { return }
    self.completion = nil
    endRace(keeping: nil)
    options.logger.debug("connecting failed", metadata: ["target": "\(target)", "error": "\(error)"])
    completion(.failure(error))
  }

  /// Cancels the timers and closes every attempt but `winner`.
  private func endRace(keeping winner: AddressAttempt?) {
    timer?.cancel()
    staggerTimer?.cancel()
    staggerTimer = nil
    for racer in racers where racer !== winner { racer.close() }
    racers.removeAll()
  }
}

/// One address's connect: a non-blocking socket registered for writability until the
/// connect completes.
private final class AddressAttempt: Selectable {
  let address: SocketAddress
  private let loop: EventLoop
  /// Strong: while registered, the loop holding this attempt keeps the race alive.
  private let owner: ConnectAttempt
  private var fd: Int32
  private var registered = false
  /// The connect completed at once (loopback and Unix sockets often do).
  private(set) var isConnected = false

  init(address: SocketAddress, options: ConnectOptions, loop: EventLoop, owner: ConnectAttempt)
    throws(SystemError)
  {
    self.address = address
    self.loop = loop
    self.owner = owner
    fd = try Socket.make(family: address.family, type: Socket.streamType)
    do {
      try SocketOption.apply(
        [.noDelay(options.noDelay)] + options.socketOptions, to: fd, family: address.family)
      if try Socket.connect(fd, address: address) {
        isConnected = true
      } else {
        try loop.register(self, fd: fd, interest: .write)
        registered = true
      }
    } catch {
      systemClose(fd)
      fd = -1
      throw error
    }
  }

  package func selectorReadable() {}

  package func selectorWritable() {
    let error = Socket.pendingError(fd)
    owner.finished(self, errno: error)
  }

  package func loopClosing() { owner.loopClosing() }

  /// Hands the connected descriptor over; the attempt no longer owns it.
  func takeDescriptor() -> Int32 {
    deregister()
    defer { fd = -1 }
    return fd
  }

  /// Abandons the attempt and closes its socket.
  func close() {
    deregister()
    if fd >= 0 { systemClose(fd) }
    fd = -1
  }

  private func deregister() {
    if registered { loop.deregister(fd: fd) }
    registered = false
  }
}
