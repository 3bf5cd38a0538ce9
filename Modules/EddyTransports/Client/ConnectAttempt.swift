import CEddySystem
import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// One outgoing connection in the making: tries each resolved address in turn until one
/// accepts, within one overall timeout, and reports exactly once.
final class ConnectAttempt: Selectable {
  typealias Completion = (Result<SocketStreamTransport, ConnectError>) -> Void

  private let loop: EventLoop
  private let target: String
  private let options: ConnectOptions
  private let protocolFactory: () -> any StreamProtocol
  private var completion: Completion?
  private var addresses: [SocketAddress] = []
  private var nextAddress = 0
  private var fd: Int32 = -1
  private var timer: CallbackHandle?
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
      addresses = found
      tryNextAddress()
    case .failure(let error):
      fail(error)
    }
  }

  private func tryNextAddress() {
    while nextAddress < addresses.count {
      let address = addresses[nextAddress]
      nextAddress += 1
      do {
        fd = try Socket.make(family: address.family, type: Socket.streamType)
        try SocketOption.apply(
          [.noDelay(options.noDelay)] + options.socketOptions, to: fd, family: address.family)
        if try Socket.connect(fd, address: address) {
          connected()
        } else {
          try loop.register(self, fd: fd, interest: .write)
        }
        return
      } catch {
        closeSocket()
        lastError = ConnectError(connecting: address.description, error: error)
      }
    }
    fail(lastError ?? .resolutionFailed(host: target, code: 0, message: "no addresses"))
  }

  package func selectorReadable() {}

  package func selectorWritable() {
    let error = Socket.pendingError(fd)
    loop.deregister(fd: fd)
    if error == 0 {
      connected()
      return
    }
    closeSocket()
    let address = addresses[nextAddress - 1].description
    lastError = ConnectError(connecting: address, error: SystemError("connect", errno: error))
    tryNextAddress()
  }

  package func loopClosing() {
    fail(.cancelled)
  }

  /// Gives up unless the attempt has already completed.
  func cancel() {
    fail(.cancelled)
  }

  private func connected() {
    guard let completion else { return }
    self.completion = nil
    timer?.cancel()
    let transport = SocketStreamTransport(loop: loop, fd: fd, protocol: protocolFactory())
    fd = -1
    do {
      try transport.start()
      completion(.success(transport))
    } catch {
      completion(.failure(.system(error)))
    }
  }

  private func fail(_ error: ConnectError) {
    guard let completion else { return }
    self.completion = nil
    timer?.cancel()
    if fd >= 0 { loop.deregister(fd: fd) }
    closeSocket()
    completion(.failure(error))
  }

  private func closeSocket() {
    if fd >= 0 { systemClose(fd) }
    fd = -1
  }
}
