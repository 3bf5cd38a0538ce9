import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What kind of file a descriptor handed to a pipe transport refers to.
enum PipeDescriptor {
  /// Throws unless `fd` is a pipe, a FIFO, a socket or a character device.
  static func validate(_ fd: Int32) throws(PipeError) {
    let mode = try fileType(fd)
    guard mode == S_IFIFO || mode == S_IFSOCK || mode == S_IFCHR else { throw .unsupportedDescriptor(fd: fd) }
  }

  /// True when the write end `fd` reports read readiness once its reader is gone: pipes, FIFOs
  /// and sockets do; a tty would report the user's typing instead.
  static func reportsHangUp(_ fd: Int32) -> Bool {
    guard let mode = try? fileType(fd) else { return false }
    return mode == S_IFIFO || mode == S_IFSOCK
  }

  private static func fileType(_ fd: Int32) throws(PipeError) -> mode_t {
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .system(SystemError("fstat")) }
    return info.st_mode & S_IFMT
  }
}
