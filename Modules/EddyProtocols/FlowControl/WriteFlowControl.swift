/// A change a transport must report to its protocol.
public enum WriteFlowTransition: Sendable, Equatable {
  /// Call `pauseWriting()`.
  case pause
  /// Call `resumeWriting()`.
  case resume
}

/// The water-mark state machine every transport uses for its write buffer.
///
/// A transport calls ``update(bufferSize:)`` whenever its buffer size changes and forwards the
/// transition it returns. The state is updated before the transition is returned, so a
/// protocol that writes, closes or aborts from inside `pauseWriting`/`resumeWriting` sees a
/// consistent state and is never called twice for one crossing.
public struct WriteFlowControl: Sendable {
  /// The water marks in force.
  public private(set) var limits: WriteBufferLimits
  /// True between a `.pause` and the following `.resume`.
  public private(set) var isPaused = false

  /// Creates the state machine, not paused.
  public init(limits: WriteBufferLimits = WriteBufferLimits()) {
    self.limits = limits
  }

  /// Records the buffer's new size and returns the transition it causes: `.pause` when it is
  /// strictly over the high mark and not yet paused, `.resume` when paused and at or below
  /// the low mark, else nil.
  public mutating func update(bufferSize: Int) -> WriteFlowTransition? {
    if !isPaused {
      guard bufferSize > limits.high else { return nil }
      isPaused = true
      return .pause
    }
    guard bufferSize <= limits.low else { return nil }
    isPaused = false
    return .resume
  }

  /// Replaces the water marks and returns the transition the buffer's size now causes.
  public mutating func setLimits(_ newLimits: WriteBufferLimits, bufferSize: Int) -> WriteFlowTransition? {
    limits = newLimits
    return update(bufferSize: bufferSize)
  }
}

extension BaseProtocol {
  /// Calls `pauseWriting()` or `resumeWriting()` for a transition, if there is one.
  @inlinable
  public func apply(_ transition: WriteFlowTransition?) {
    switch transition {
    case .pause: pauseWriting()
    case .resume: resumeWriting()
    case nil: break
    }
  }
}
