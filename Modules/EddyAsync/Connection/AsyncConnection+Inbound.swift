import EddyProtocols

extension AsyncConnection {
  /// The elements an ``AsyncConnection`` receives: raw chunks, or frames under a codec stack.
  public struct Inbound: AsyncSequence, Sendable {
    /// A received chunk or frame.
    public typealias Element = ByteBuffer
    /// The error that ended the connection, or `CancellationError`.
    public typealias Failure = any Error

    let connection: AsyncConnection

    /// Creates the iterator; one may be in use at a time.
    public func makeAsyncIterator() -> Iterator {
      Iterator(connection: connection)
    }

    /// Takes elements from the connection's inbound buffer, waiting when it is empty.
    public struct Iterator: AsyncIteratorProtocol {
      let connection: AsyncConnection

      /// The next element; nil once the connection has ended normally.
      ///
      /// - Throws: the error that ended the connection (once; nil follows), or
      ///   `CancellationError` when the task is cancelled while waiting, which aborts the
      ///   connection.
      public mutating func next() async throws -> ByteBuffer? {
        try await connection.receive()
      }
    }
  }

  /// The next inbound element, waiting for one if needed. A cancelled task aborts the
  /// connection and gets `CancellationError`, even when elements are buffered.
  func receive() async throws -> ByteBuffer? {
    if Task.isCancelled {
      abort()
      throw CancellationError()
    }
    switch buffers.inbound.withLock({ $0.poll() }) {
    case .element(let element, let resumeReading):
      if resumeReading { requestResumeReading() }
      return element
    case .finished:
      return nil
    case .failed(let error):
      throw error
    case .empty:
      break
    }
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<ByteBuffer?, any Error>) in
        let poll = buffers.inbound.withLock { $0.poll(orWait: waiter, cancelled: Task.isCancelled) }
        switch poll {
        case .empty:
          return
        case .element(_, let resumeReading):
          if resumeReading { requestResumeReading() }
        case .failed(let error):
          if error is CancellationError { abort() }
        case .finished:
          break
        }
        StreamBridge.resume(waiter, with: poll)
      }
    } onCancel: {
      guard let waiter = buffers.inbound.withLock({ $0.takeWaiter() }) else { return }
      waiter.resume(throwing: CancellationError())
      abort()
    }
  }
}
