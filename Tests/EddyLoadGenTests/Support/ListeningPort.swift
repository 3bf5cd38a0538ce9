/// The port at the end of a `listening on HOST:PORT` line.
func listeningPort(in line: String) -> Int? {
  line.split(separator: ":").last.flatMap { Int($0) }
}
