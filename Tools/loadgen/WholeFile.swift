#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file read or written whole, for the commands that take saved results (`merge`, `report`).
enum WholeFile {
  /// The contents of the file at `path` as text, nil when it cannot be read (`errno` says why).
  static func read(_ path: String) -> String? {
    readBytes(path).map { String(decoding: $0, as: UTF8.self) }
  }

  /// The bytes of the file at `path`, nil when it cannot be read (`errno` says why).
  static func readBytes(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = fread(&chunk, 1, chunk.count, file)
      if count <= 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
    guard ferror(file) == 0 else { return nil }
    return bytes
  }

  /// Creates or replaces the file at `path` with `text`; the errno of what failed, nil on success.
  static func write(_ text: String, to path: String) -> Int32? {
    guard let file = fopen(path, "wb") else { return errno }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    let failure = written == bytes.count ? nil : errno
    return fclose(file) == 0 ? failure : failure ?? errno
  }
}
