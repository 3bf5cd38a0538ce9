import EddyProtocols

/// A stream protocol that records every callback, checks the callback order the contract
/// promises, and can act from inside any callback through ``onEvent``.
public final class RecordingProtocol: StreamProtocol {
  /// One recorded callback.
  public enum Event: Equatable, Sendable, CustomStringConvertible {
    /// `connectionMade` was called.
    case connectionMade
    /// `dataReceived` was called with these bytes.
    case data(ByteBuffer)
    /// `eofReceived` was called.
    case eof
    /// `pauseWriting` was called.
    case pauseWriting
    /// `resumeWriting` was called.
    case resumeWriting
    /// `connectionLost` was called; the text describes the error, nil for a regular end.
    case connectionLost(String?)

    /// A short description for test failure messages.
    public var description: String {
      switch self {
      case .connectionMade: "connectionMade"
      case .data(let bytes): "data(\(bytes.readableBytes) bytes)"
      case .eof: "eof"
      case .pauseWriting: "pauseWriting"
      case .resumeWriting: "resumeWriting"
      case .connectionLost(let error): "connectionLost(\(error ?? "nil"))"
      }
    }
  }

  /// Every callback so far, in order.
  public private(set) var events: [Event] = []
  /// Every way the callbacks broke the protocol contract, described; empty when they kept it.
  public private(set) var violations: [String] = []
  /// The transport given to `connectionMade`.
  public private(set) var transport: (any StreamTransport)?
  /// The error given to `connectionLost`, when there was one.
  public private(set) var lostError: (any Error)?
  /// True once `connectionMade` was called.
  public private(set) var hasConnected = false
  /// True once `eofReceived` was called.
  public private(set) var didReceiveEOF = false
  /// True once `connectionLost` was called.
  public private(set) var isLost = false
  /// True between `pauseWriting` and the following `resumeWriting`.
  public private(set) var isWritingPaused = false
  /// What `eofReceived` returns: false lets the transport close, true keeps it half-open.
  public var keepsOpenOnEOF: Bool
  /// Called after each callback is recorded, with this protocol and the event; it may write,
  /// close, abort or pause through ``transport``.
  public var onEvent: ((RecordingProtocol, Event) -> Void)?

  /// Creates a recorder.
  ///
  /// - Parameters:
  ///   - keepsOpenOnEOF: What `eofReceived` returns.
  ///   - onEvent: Called after each callback is recorded.
  public init(keepsOpenOnEOF: Bool = false, onEvent: ((RecordingProtocol, Event) -> Void)? = nil) {
    self.keepsOpenOnEOF = keepsOpenOnEOF
    self.onEvent = onEvent
  }

  /// Records the transport.
  public func connectionMade(_ transport: any StreamTransport) {
    if hasConnected { violations.append("connectionMade called twice") }
    self.transport = transport
    hasConnected = true
    record(.connectionMade)
  }

  /// Records the bytes.
  public func dataReceived(_ data: ByteBuffer) {
    checkOpen("dataReceived")
    if data.isEmpty { violations.append("dataReceived with no bytes") }
    if didReceiveEOF { violations.append("dataReceived after eofReceived") }
    record(.data(data))
  }

  /// Records end-of-file and returns ``keepsOpenOnEOF``.
  public func eofReceived() -> Bool {
    checkOpen("eofReceived")
    if didReceiveEOF { violations.append("eofReceived called twice") }
    didReceiveEOF = true
    record(.eof)
    return keepsOpenOnEOF
  }

  /// Records the pause.
  public func pauseWriting() {
    checkOpen("pauseWriting")
    if isWritingPaused { violations.append("pauseWriting while already paused") }
    isWritingPaused = true
    record(.pauseWriting)
  }

  /// Records the resume.
  public func resumeWriting() {
    checkOpen("resumeWriting")
    if !isWritingPaused { violations.append("resumeWriting without pauseWriting") }
    isWritingPaused = false
    record(.resumeWriting)
  }

  /// Records the end of the connection.
  public func connectionLost(_ error: (any Error)?) {
    checkOpen("connectionLost")
    isLost = true
    lostError = error
    record(.connectionLost(error.map { String(describing: $0) }))
  }

  private func checkOpen(_ callback: String) {
    if !hasConnected { violations.append("\(callback) before connectionMade") }
    if isLost { violations.append("\(callback) after connectionLost") }
  }

  private func record(_ event: Event) {
    events.append(event)
    onEvent?(self, event)
  }
}
