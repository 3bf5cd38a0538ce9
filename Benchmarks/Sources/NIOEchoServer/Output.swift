#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes `line` to stdout and flushes at once, so a script reading the pipe sees it immediately.
func printFlushed(_ line: String) {
  print(line)
  fflush(nil)
}

/// Writes one line to stderr.
func printError(_ line: String) {
  var text = line + "\n"
  text.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}
