import CEddySystem
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Who is at the other end of a Unix-domain stream socket, as the kernel recorded it when the
/// connection was made (`SO_PEERCRED`, Linux): a server can check a local client without any
/// handshake.
public struct PeerCredentials: Sendable, Equatable, CustomStringConvertible {
  /// The peer's process.
  public let processID: Int32
  /// The peer's effective user.
  public let userID: UInt32
  /// The peer's effective group.
  public let groupID: UInt32

  /// Credentials as given.
  public init(processID: Int32, userID: UInt32, groupID: UInt32) {
    self.processID = processID
    self.userID = userID
    self.groupID = groupID
  }

  /// `pid=… uid=… gid=…`.
  public var description: String { "pid=\(processID) uid=\(userID) gid=\(groupID)" }

  #if os(Linux)
    /// The credentials of the peer of `fd`; fails for a socket that is not a Unix stream.
    static func of(_ fd: Int32) throws(SystemError) -> PeerCredentials {
      var pid: pid_t = 0
      var uid: uid_t = 0
      var gid: gid_t = 0
      guard eddy_peer_credentials(fd, &pid, &uid, &gid) == 0 else { throw SystemError("getsockopt") }
      return PeerCredentials(processID: pid, userID: uid, groupID: gid)
    }
  #endif
}
