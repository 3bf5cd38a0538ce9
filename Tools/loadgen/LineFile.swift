import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file that a run appends lines to as it goes (`--intervals`, `--hlog`), each flushed at
/// once so that what a run wrote can be read while it goes on, and survives it being killed.
final class LineFile: Sendable {
  /// The path, as given.
  let path: String
  private let state: Mutex<State>

  private struct State: ~Copyable {
    let file: OpaquePointer
    /// The errno of the first write that failed, if one did.
    var failure: Int32?
  }

  /// A file that cannot be opened for writing, with the errno.
  struct Unwritable: Error {
    let errno: Int32
  }

  /// Creates (or truncates) the file at `path`.
  init(path: String) throws(Unwritable) {
    guard let file = fopen(path, "w") else { throw Unwritable(errno: errno) }
    self.path = path
    state = Mutex(State(file: OpaquePointer(file)))
  }

  deinit {
    state.withLock { _ = fclose(UnsafeMutablePointer<FILE>($0.file)) }
  }

  /// Appends `line` and a newline.
  func write(_ line: String) {
    state.withLock { state in
      let file = UnsafeMutablePointer<FILE>(state.file)
      guard state.failure == nil else { return }
      if fputs(line + "\n", file) < 0 || fflush(file) != 0 { state.failure = errno }
    }
  }

  /// The errno of the first write that failed, nil when every write succeeded.
  var failure: Int32? { state.withLock { $0.failure } }
}
