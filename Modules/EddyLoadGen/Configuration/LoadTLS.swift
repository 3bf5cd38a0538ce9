import EddyTLS

/// TLS under every connection's codec stack, as `loadgen --tls` asks for.
public struct LoadTLS: Sendable {
  /// The client context every connection shares (so sessions can be resumed).
  public let context: TLSContext
  /// The name sent for SNI and checked against the server's certificate; nil for the context's.
  public let serverName: String?

  /// TLS with `context`, naming `serverName` to the server.
  public init(context: TLSContext, serverName: String? = nil) {
    self.context = context
    self.serverName = serverName
  }
}
