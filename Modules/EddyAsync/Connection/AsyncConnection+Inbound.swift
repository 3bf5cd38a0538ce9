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
        try await next(isolation: nil)
      }

      /// The next element, taken on the caller's executor (`for try await` calls this one):
      /// as ``next()``, without a hop to the global executor and back for each element.
      public mutating func next(isolation actor: isolated (any Actor)?) async throws -> ByteBuffer? {
        try await connection.buffers.receive(for: connection)
      }
    }
  }
}
