import CEddyOpenSSL
import EddyProtocols

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// TLS as a layer: a stream protocol to the transport below (TCP, a Unix socket, a pipe pair,
/// an in-memory transport, another layer) and a stream transport to the protocol above.
///
/// OpenSSL runs over two memory BIOs: ciphertext from below is fed in, plaintext comes out for
/// the protocol above, and the records OpenSSL writes go to the transport below. The design is
/// asyncio's `sslproto.py`.
///
/// - The protocol above gets `connectionMade` only once the handshake has completed, then the
///   usual callbacks, and `connectionLost` exactly once. When the handshake fails or times out
///   it gets no callback at all: the failure goes to the handshake-failure handler (or the
///   configuration's logger) and the transport below is closed.
/// - A peer's close_notify is `eofReceived`; TLS cannot stay half-open, so the layer closes
///   whatever `eofReceived` returns (logging a warning when it returns true).
/// - A peer that ends the connection without close_notify ends it with
///   ``TLSError/uncleanShutdown`` (the data received may be truncated): unlike asyncio, which
///   hides such "ragged" EOFs, Eddy never reports a truncated stream as a clean end. Every byte
///   received before it is still delivered.
/// - `close()` sends what is queued, then close_notify, then waits for the peer's close_notify
///   at most ``TLSConfiguration/shutdownTimeout`` before closing (or aborting) below.
/// - Writes are queued as plaintext and encrypted as the transport below accepts them: while it
///   is paused nothing is encrypted, the plaintext queue grows, and the protocol above is paused
///   when the queue goes over ``TLSConfiguration/writeBufferLimits``.
/// - `pauseReading` reaches the transport below at once; records already received wait,
///   undecrypted, until `resumeReading`.
///
/// Like every transport, a layer belongs to one event loop's thread.
public final class TLSLayer {
  /// Where the connection is in its life.
  enum State {
    /// Not yet given a transport.
    case idle
    /// The handshake is running; the protocol above is not connected yet.
    case handshaking
    /// Application data flows both ways.
    case open
    /// Closing: queued plaintext is still going out ahead of close_notify.
    case flushing
    /// close_notify is sent; waiting for the peer's.
    case shuttingDown
    /// The transport below was asked to close or abort; waiting for its `connectionLost`.
    case closingLower
    /// Over: `connectionLost` or the handshake failure was reported.
    case closed
  }

  /// The one place the state changes (asyncio's `sslproto._set_state`). The legal moves:
  /// `idle → handshaking` (a transport below), `handshaking → open` (the handshake completed),
  /// `open → flushing` (a graceful close), `flushing → shuttingDown` (close_notify sent), any
  /// live state `→ closingLower` (the transport below is closed or aborted, also again while it
  /// closes), and any state `→ closed` (`connectionLost`, or a close before any transport).
  /// Anything else traps in debug builds.
  func move(to next: State) {
    let legal: Bool
    switch (state, next) {
    case (.idle, .handshaking), (.handshaking, .open), (.open, .flushing), (.flushing, .shuttingDown):
      legal = true
    case (.handshaking, .closingLower), (.open, .closingLower), (.flushing, .closingLower),
      (.shuttingDown, .closingLower), (.closingLower, .closingLower):
      legal = true
    case (_, .closed): legal = state != .closed
    default: legal = false
    }
    assert(legal, "TLS layer: no move from \(state) to \(next)")
    state = next
  }

  /// The context this connection was made from.
  public let context: TLSContext
  var configuration: TLSConfiguration { context.configuration }
  /// The OpenSSL connection; nil once the connection is over.
  var ssl: OpaquePointer?
  /// Ciphertext received from below, read by OpenSSL.
  var networkInput: OpaquePointer?
  /// Records written by OpenSSL, sent below.
  var networkOutput: OpaquePointer?
  /// The server name given for this connection, before falling back on the configuration's.
  let requestedServerName: String?
  var lower: (any StreamTransport)?
  /// The protocol above; plaintext goes into its own memory when it is buffered.
  var upper: StreamProtocolLink
  /// True once the protocol above got `connectionMade`.
  var upperConnected = false
  private(set) var state = State.idle
  var pending = PlaintextQueue()
  var flow: WriteFlowControl
  var lowerWritingPaused = false
  var readingPaused = false
  /// The peer's close_notify arrived.
  var peerClosed = false
  /// The transport below reported the end of its input.
  var lowerReachedEOF = false
  /// The first error, reported when the connection ends (a handshake's, an alert's, a missing
  /// close_notify's); nil while there is none.
  public internal(set) var failure: (any Error)?
  /// The handshake's failure, once reported: why the layer ended before connecting.
  var handshakeFailure: TLSError?
  var handshakeTimer: TLSTimer.Cancel?
  var shutdownTimer: TLSTimer.Cancel?
  var isDecrypting = false
  var receiveBuffer = ByteBuffer()
  let onHandshakeFailure: ((TLSError) -> Void)?

  /// Creates a layer that will run `protocol` over TLS once it is given a transport, either as
  /// the protocol of a new connection (``factory(context:serverName:onHandshakeFailure:_:)``)
  /// or by ``startTLS(on:context:serverName:protocol:onHandshakeFailure:)``.
  ///
  /// - Parameters:
  ///   - context: the configuration made ready, shared by every connection that uses it.
  ///   - serverName: clients: overrides the configuration's server name for this connection.
  ///   - upper: the protocol above, which gets `connectionMade` once the handshake has completed.
  ///   - onHandshakeFailure: called once, on the loop's thread, when the handshake fails or times
  ///     out (after the transport below has closed); nil to log the failure instead.
  public init(
    context: TLSContext, serverName: String? = nil, protocol upper: any StreamProtocol,
    onHandshakeFailure: ((TLSError) -> Void)? = nil
  ) {
    self.context = context
    self.requestedServerName = serverName
    self.upper = StreamProtocolLink(upper)
    self.flow = WriteFlowControl(limits: context.configuration.writeBufferLimits)
    self.onHandshakeFailure = onHandshakeFailure
  }

  deinit {
    releaseSSL()
  }

  // MARK: What was negotiated

  /// The ALPN protocol agreed on, if any; set when the handshake completes.
  public private(set) var negotiatedApplicationProtocol: String?

  /// The protocol version in use; set when the handshake completes.
  public private(set) var negotiatedVersion: TLSVersion?

  /// True when the handshake resumed an earlier session instead of making a new one.
  public private(set) var isSessionReused = false

  /// Records what the handshake agreed on, so it stays readable after the connection ends.
  private func recordNegotiated(_ ssl: OpaquePointer) {
    var name: UnsafePointer<UInt8>?
    var length: UInt32 = 0
    SSL_get0_alpn_selected(ssl, &name, &length)
    if let name, length > 0 {
      negotiatedApplicationProtocol = String(
        decoding: UnsafeBufferPointer(start: name, count: Int(length)), as: UTF8.self)
    }
    negotiatedVersion = TLSVersion(openSSLValue: SSL_version(ssl))
    isSessionReused = SSL_session_reused(ssl) == 1
    serverNameIndication = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name).map { String(cString: $0) }
  }

  /// The server name the client sent (SNI), if any; set when the handshake completes.
  public private(set) var serverNameIndication: String?

  // MARK: Starting

  /// Takes `transport` as the transport below and starts the handshake.
  func attach(_ transport: any StreamTransport) {
    guard state == .idle else { return }
    lower = transport
    move(to: .handshaking)
    if let timeout = configuration.handshakeTimeout {
      handshakeTimer = configuration.timer.schedule(after: timeout) { [weak self] in
        self?.handshakeTimedOut()
      }
    }
    do {
      try makeSSL()
    } catch {
      fail(error)
      return
    }
    advanceHandshake()
  }

  /// Creates the OpenSSL connection over two memory BIOs and sets its names.
  private func makeSSL() throws(TLSError) {
    OpenSSLErrors.clear()
    guard let ssl = SSL_new(context.handle) else {
      throw .handshakeFailed(reason: "cannot create a connection: \(OpenSSLErrors.drain())")
    }
    self.ssl = ssl
    guard let input = BIO_new(BIO_s_mem()) else {
      throw .handshakeFailed(reason: "cannot create buffers: \(OpenSSLErrors.drain())")
    }
    guard let output = BIO_new(BIO_s_mem()) else {
      BIO_free(input)
      throw .handshakeFailed(reason: "cannot create buffers: \(OpenSSLErrors.drain())")
    }
    eddy_bio_retry_when_empty(input)
    eddy_bio_retry_when_empty(output)
    SSL_set_bio(ssl, input, output)
    networkInput = input
    networkOutput = output
    SSL_set_ex_data(ssl, 0, Unmanaged.passUnretained(self).toOpaque())
    guard configuration.role == .client else {
      SSL_set_accept_state(ssl)
      return
    }
    SSL_set_connect_state(ssl)
    let name = requestedServerName ?? configuration.serverName
    if let name, !Self.isIPAddress(name) {
      guard eddy_ssl_set_server_name(ssl, name) == 1 else {
        throw .handshakeFailed(reason: "cannot send the server name: \(OpenSSLErrors.drain())")
      }
    }
    if configuration.verification == .full {
      // Without a name, the address connected to must be in the certificate.
      guard let expected = name ?? lower?.peerAddress?.host else {
        throw .invalidConfiguration(reason: "hostname verification needs a server name")
      }
      guard SSL_set1_host(ssl, expected) == 1 else {
        throw .invalidConfiguration(reason: "cannot verify the name \(expected): \(OpenSSLErrors.drain())")
      }
    }
    if configuration.resumesSessions, let name = sessionName {
      context.sessions.offer(to: ssl, for: name)
    }
  }

  /// The key a client's sessions are kept under: the server name, else the peer's address.
  var sessionName: String? {
    requestedServerName ?? configuration.serverName ?? lower?.peerAddress?.description
  }

  /// Frees the OpenSSL connection and its BIOs.
  func releaseSSL() {
    if let ssl { SSL_free(ssl) }
    ssl = nil
    networkInput = nil
    networkOutput = nil
  }

  private static func isIPAddress(_ name: String) -> Bool {
    var address = in6_addr()
    return inet_pton(AF_INET, name, &address) == 1 || inet_pton(AF_INET6, name, &address) == 1
  }

  // MARK: Handshake

  /// Runs the handshake as far as the input allows; connects the protocol above once done.
  func advanceHandshake() {
    guard state == .handshaking, let ssl else { return }
    OpenSSLErrors.clear()
    let result = SSL_do_handshake(ssl)
    if result == 1 {
      flushOutput()
      recordNegotiated(ssl)
      handshakeCompleted()
      return
    }
    if SSL_get_error(ssl, result) == SSL_ERROR_WANT_READ {
      flushOutput()
      if lowerReachedEOF {
        fail(TLSError.handshakeFailed(reason: "the peer closed the connection during the handshake"))
      }
      return
    }
    let verifyResult = SSL_get_verify_result(ssl)
    let error: TLSError
    if verifyResult != X509_V_OK {
      error = .verificationFailed(reason: String(cString: X509_verify_cert_error_string(verifyResult)))
      OpenSSLErrors.clear()
    } else {
      error = .handshakeFailed(reason: OpenSSLErrors.drain())
    }
    fail(error)
  }

  private func handshakeCompleted() {
    handshakeTimer?()
    handshakeTimer = nil
    move(to: .open)
    upperConnected = true
    upper.target.connectionMade(self)
    // Plaintext written before the handshake (or from connectionMade) goes out now, and any
    // application data that came with the handshake's last flight is delivered.
    pump()
    decryptInput()
  }

  private func handshakeTimedOut() {
    handshakeTimer = nil
    guard state == .handshaking else { return }
    failure = TLSError.handshakeTimeout
    move(to: .closingLower)
    lower?.abort()
  }
}

extension TLSLayer: ConnectingLayer {
  /// The `TLSError` the handshake failed with, once the connection has ended before the
  /// handshake completed.
  public var failureBeforeConnecting: (any Error)? { handshakeFailure }
}
