import EddyProtocols

extension InMemoryTransport {
  /// Two connected in-memory transports and the pump that moves everything between them.
  public struct Pair {
    /// The transport whose protocol was passed first to ``InMemoryTransport/pair(_:_:limits:chunkSize:)``.
    public let client: InMemoryTransport
    /// The transport whose protocol was passed second.
    public let server: InMemoryTransport

    /// Performs pending callbacks on both ends, in order, until nothing more can happen or
    /// `maxSteps` rounds have passed (a guard against protocols that talk forever).
    ///
    /// - Returns: true when the pair is quiet, false when the step limit stopped it.
    @discardableResult
    public func run(maxSteps: Int = 1_000_000) -> Bool {
      for _ in 0..<maxSteps {
        let clientProgressed = client.step()
        let serverProgressed = server.step()
        if !clientProgressed && !serverProgressed { return true }
      }
      return false
    }
  }

  /// Connects two protocols and calls `connectionMade` on the first, then the second, before
  /// returning. Nothing is delivered until ``Pair/run(maxSteps:)``.
  ///
  /// - Parameters:
  ///   - client: The protocol of the first end.
  ///   - server: The protocol of the second end.
  ///   - limits: The water marks of both write buffers.
  ///   - chunkSize: The most bytes delivered per `dataReceived` in both directions, or nil to
  ///     deliver each write whole.
  public static func pair(
    _ client: any StreamProtocol,
    _ server: any StreamProtocol,
    limits: WriteBufferLimits = WriteBufferLimits(),
    chunkSize: Int? = nil
  ) -> Pair {
    let clientEnd = InMemoryTransport(protocol: client, limits: limits, chunkSize: chunkSize)
    let serverEnd = InMemoryTransport(protocol: server, limits: limits, chunkSize: chunkSize)
    clientEnd.peer = serverEnd
    serverEnd.peer = clientEnd
    client.connectionMade(clientEnd)
    server.connectionMade(serverEnd)
    return Pair(client: clientEnd, server: serverEnd)
  }
}
