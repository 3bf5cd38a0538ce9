import EddyProtocols

/// A protocol that writes back what it receives.
package final class Echo: StreamProtocol {
  /// The connection, once made.
  package var transport: (any StreamTransport)?

  /// An echo waiting for its connection.
  package init() {}

  /// Keeps `transport`.
  package func connectionMade(_ transport: any StreamTransport) { self.transport = transport }

  /// Writes `data` back.
  package func dataReceived(_ data: ByteBuffer) { transport?.write(data) }
}
