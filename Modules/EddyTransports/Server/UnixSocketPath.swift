import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Filesystem housekeeping for Unix-domain socket paths: a path a live socket holds is never
/// taken over, a stale socket file is replaced, and a socket removes only its own file.
/// Abstract names have no file: nothing here touches them.
enum UnixSocketPath {
  /// Which file a socket bound: device and inode, to recognise it at close.
  struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64
  }

  /// Prepares `path` for binding: a socket file nobody answers on (left by a process that
  /// died) is removed; a live one, or anything that is not a socket, is left, so that bind
  /// fails with `EADDRINUSE`.
  static func removeStaleSocket(at path: String) {
    guard path.utf8.first != 0, let identity = socketFile(at: path), !isAnswered(path) else { return }
    // Unlink only the file that was probed, not one a racing server just bound.
    remove(path, ifStill: identity)
  }

  /// The identity of the socket file at `path`; nil for an abstract name or when there is no
  /// socket file there.
  static func socketFile(at path: String) -> FileIdentity? {
    guard path.utf8.first != 0 else { return nil }
    var info = stat()
    guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return nil }
    return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
  }

  /// Removes `path` if it is still the file `identity` names (nothing when nil).
  static func remove(_ path: String, ifStill identity: FileIdentity?) {
    guard let identity, socketFile(at: path) == identity else { return }
    unlink(path)
  }

  /// Whether a socket listens (or is bound, for datagrams) at `path`: a connect of each socket
  /// type is tried; refused means nobody is there.
  private static func isAnswered(_ path: String) -> Bool {
    guard let address = try? SocketAddress(unixPath: path) else { return false }
    for type in [Socket.streamType, Socket.datagramType] {
      guard let fd = try? Socket.make(family: AF_UNIX, type: type) else { return false }
      defer { systemClose(fd) }
      do {
        _ = try Socket.connect(fd, address: address)
        return true
      } catch {
        switch error.errno {
        case EPROTOTYPE: continue  // a socket of the other type is bound there
        case EAGAIN: return true  // a listener whose queue is full
        default: return false
        }
      }
    }
    return false
  }
}

/// The socket file a socket bound, to be removed when the socket closes, and only if the path
/// still names that file (another process may have replaced it since).
struct BoundSocketFile {
  let path: String
  let identity: UnixSocketPath.FileIdentity?

  /// The file now at `path`, just bound.
  init(path: String) {
    self.path = path
    identity = UnixSocketPath.socketFile(at: path)
  }

  /// Removes the file if it is still ours.
  func remove() { UnixSocketPath.remove(path, ifStill: identity) }
}
