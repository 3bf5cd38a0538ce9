#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The directory of the running test binary, where the package's executables are built too.
package var productsDirectory: String {
  var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
  let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
  let path = String(decoding: buffer.prefix(max(0, count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
}

/// The path of the executable `name` (such as `echo-server`) built next to the running tests, or
/// nil when there is none.
package func builtTool(_ name: String) -> String? {
  let path = productsDirectory + "/" + name
  return access(path, X_OK) == 0 ? path : nil
}
