import EddyReactor

/// Why sending a file did not complete; each case says how many of its bytes were sent.
public enum SendFileError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The connection closed or failed before the whole file was sent.
  case connectionEnded(sent: Int)
  /// The file ended before `count` bytes were read from it.
  case fileEnded(sent: Int)
  /// Reading the file (or `sendfile(2)` on it) failed.
  case readFailed(SystemError, sent: Int)
  /// The transport has no descriptor transport underneath to send from (an in-memory one).
  case unsupported

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .connectionEnded(let sent): "the connection ended after \(sent) bytes of the file"
    case .fileEnded(let sent): "the file ended after \(sent) bytes"
    case .readFailed(let error, let sent): "reading the file failed after \(sent) bytes: \(error)"
    case .unsupported: "this transport cannot send files"
    }
  }
}
