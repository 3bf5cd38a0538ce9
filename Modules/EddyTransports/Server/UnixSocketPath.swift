#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Filesystem housekeeping for Unix-domain socket paths.
enum UnixSocketPath {
  /// Removes a leftover socket file at `path`; anything else there is left alone (bind will
  /// then fail with `EADDRINUSE`).
  static func removeStaleSocket(at path: String) {
    var info = stat()
    guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return }
    unlink(path)
  }
}
