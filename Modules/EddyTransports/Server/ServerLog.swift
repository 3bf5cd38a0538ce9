import EddyProtocols
import EddyReactor
import Logging

/// What a server logs, to ``ServerOptions/logger``; nothing per message.
///
/// - debug: each connection accepted and closed (with the error that ended it, if any), and
///   each one refused over the connection limit, with metadata `connection` (a small id counted
///   per server from 1), `peer` and `local`. Addresses are asked for only when debug is on.
/// - notice: a connection aborted by a server limit (frame timeout, buffer budget): the server
///   defended itself against that peer.
/// - warning: accepting paused because the process ran out of descriptors or memory.
/// - error: accepting failed otherwise, or a listening socket could not be watched.
///
/// A peer's own errors (a frame that does not decode, a failed TLS handshake, a reset) stay at
/// debug: they are the peer's doing, and a crowd of bad peers must not flood the log.
struct ServerLog: Sendable {
  let logger: Logger

  /// The metadata naming connection `id` on the accepted socket `fd`, when debug lines are
  /// logged; nil otherwise (then no address is asked for).
  func metadata(id: UInt64, fd: Int32) -> Logger.Metadata? {
    guard logger.logsConnections else { return nil }
    var metadata = Logger.connectionMetadata(peer: Socket.peerAddress(fd), local: Socket.localAddress(fd))
    metadata["connection"] = "\(id)"
    return metadata
  }

  func accepted(_ metadata: Logger.Metadata) {
    logger.debug("connection accepted", metadata: metadata)
  }

  func closed(_ metadata: Logger.Metadata, error: (any Error)?) {
    logger.connectionClosed(metadata, error: error)
  }

  func refused(limit: Int) {
    logger.debug("connection refused: the server has its limit of \(limit) connections open")
  }

  /// A server limit aborts `transport` for `reason`; logged before the abort, while its
  /// addresses can still be read.
  func aborting(_ transport: SocketStreamTransport, reason: ServerLimitError) {
    var metadata = Logger.connectionMetadata(peer: transport.peerAddress, local: transport.localAddress)
    metadata["error"] = "\(reason)"
    logger.notice("connection aborted by a server limit", metadata: metadata)
  }

  func acceptBackedOff(_ error: SystemError, on address: SocketAddress, pause: Duration) {
    logger.warning(
      "accepting paused for \(pause): \(error)", metadata: ["listener": "\(address)"])
  }

  func acceptFailed(_ error: any Error, on address: SocketAddress) {
    logger.error("accepting failed: \(error)", metadata: ["listener": "\(address)"])
  }
}
