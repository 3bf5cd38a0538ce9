import EddyProtocols
import EddyReactor

extension EventLoop {
  /// Connects to `host:port` over TCP, racing the resolved addresses (Happy Eyeballs, RFC 8305).
  ///
  /// Names are resolved off the loop's thread. On success the protocol made by
  /// `protocolFactory` has had `connectionMade` called and `completion` receives the transport;
  /// on failure `completion` receives a ``ConnectError``. Call from the loop's thread;
  /// `completion` runs on it. The returned handle cancels the attempt.
  @discardableResult
  public func createConnection(
    host: String, port: Int, options: ConnectOptions = ConnectOptions(),
    protocolFactory: @escaping () -> any StreamProtocol,
    completion: @escaping (Result<SocketStreamTransport, ConnectError>) -> Void
  ) -> ConnectHandle {
    assertInLoopThread()
    let attempt = ConnectAttempt(
      loop: self, target: "\(host):\(port)", options: options, protocolFactory: protocolFactory,
      completion: completion)
    attempt.armTimeout()
    let bound = LoopBound(attempt, loop: self)
    Resolver.resolve(host: host, port: port, on: self) { result in bound.value.resolved(result) }
    return ConnectHandle(attempt)
  }

  /// Connects to the first of `addresses` that accepts, racing them as Happy Eyeballs does
  /// (``ConnectOptions/attemptDelay``; the families alternate, in the order given otherwise). Otherwise as
  /// ``createConnection(host:port:options:protocolFactory:completion:)``.
  @discardableResult
  public func createConnection(
    to addresses: [SocketAddress], options: ConnectOptions = ConnectOptions(),
    protocolFactory: @escaping () -> any StreamProtocol,
    completion: @escaping (Result<SocketStreamTransport, ConnectError>) -> Void
  ) -> ConnectHandle {
    assertInLoopThread()
    let attempt = ConnectAttempt(
      loop: self, target: addresses.map(\.description).joined(separator: ","), options: options,
      protocolFactory: protocolFactory, completion: completion)
    attempt.armTimeout()
    attempt.resolved(.success(addresses))
    return ConnectHandle(attempt)
  }

  /// Connects to the Unix-domain socket at `path`. Otherwise as
  /// ``createConnection(host:port:options:protocolFactory:completion:)``.
  @discardableResult
  public func createUnixConnection(
    path: String, options: ConnectOptions = ConnectOptions(),
    protocolFactory: @escaping () -> any StreamProtocol,
    completion: @escaping (Result<SocketStreamTransport, ConnectError>) -> Void
  ) -> ConnectHandle {
    assertInLoopThread()
    let attempt = ConnectAttempt(
      loop: self, target: "unix:\(path)", options: options, protocolFactory: protocolFactory,
      completion: completion)
    attempt.armTimeout()
    do {
      attempt.resolved(.success([try SocketAddress(unixPath: path)]))
    } catch {
      attempt.resolved(.failure(.resolutionFailed(host: path, code: 0, message: "\(error)")))
    }
    return ConnectHandle(attempt)
  }
}
