import EddyProtocols
import Logging

/// The debug lines of a connection's lifecycle, the same for servers and clients.
extension Logger {
  /// True when debug lines are logged: only then are a connection's addresses asked for.
  var logsConnections: Bool { logLevel <= .debug }

  /// Metadata naming a connection by its addresses (those known).
  static func connectionMetadata(peer: SocketAddress?, local: SocketAddress?) -> Metadata {
    var metadata: Metadata = [:]
    if let peer { metadata["peer"] = "\(peer)" }
    if let local { metadata["local"] = "\(local)" }
    return metadata
  }

  /// Logs at debug that the connection `metadata` names has closed, with the error that ended it.
  func connectionClosed(_ metadata: Metadata, error: (any Error)?) {
    var metadata = metadata
    if let error { metadata["error"] = "\(error)" }
    debug(error == nil ? "connection closed" : "connection closed by an error", metadata: metadata)
  }
}
