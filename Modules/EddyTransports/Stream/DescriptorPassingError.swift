import EddyReactor

/// Why descriptors could not be queued for passing over a stream transport.
public enum DescriptorPassingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Only Unix-domain stream sockets pass descriptors.
  case notAUnixSocket
  /// Descriptors travel with bytes: at least one must be written with them.
  case noBytes
  /// More descriptors than one message carries.
  case tooMany(count: Int, limit: Int)
  /// A descriptor could not be duplicated (it is not open, say).
  case duplicateFailed(descriptor: Int32, SystemError)
  /// The transport is closing or its write side is shut.
  case notWriting

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .notAUnixSocket: "descriptors pass only over Unix-domain stream sockets"
    case .noBytes: "descriptors must be written with at least one byte"
    case .tooMany(let count, let limit):
      "\(count) descriptors in one write, more than the \(limit) one message carries"
    case .duplicateFailed(let descriptor, let error):
      "descriptor \(descriptor) could not be duplicated: \(error)"
    case .notWriting: "the transport no longer writes"
    }
  }
}
