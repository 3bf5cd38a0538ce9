/// Where the load goes: a TCP host and port, or a Unix-domain socket.
public enum LoadTarget: Sendable, Hashable, CustomStringConvertible {
  /// A TCP endpoint; `host` is a name or a numeric IPv4 or IPv6 address (without brackets).
  case tcp(host: String, port: Int)
  /// A Unix-domain stream socket.
  case unix(path: String)

  /// Parses the command-line form: `PORT` (meaning `127.0.0.1:PORT`), `HOST:PORT`,
  /// `[IPV6]:PORT` or `unix:PATH`.
  public init(parsing text: String) throws(LoadConfigurationError) {
    if text.hasPrefix("unix:") {
      let path = String(text.dropFirst("unix:".count))
      guard !path.isEmpty else { throw .invalidTarget(text) }
      self = .unix(path: path)
      return
    }
    var host = "127.0.0.1"
    var portText = Substring(text)
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]") else { throw .invalidTarget(text) }
      host = String(text[text.index(after: text.startIndex)..<close])
      let rest = text[text.index(after: close)...]
      guard rest.hasPrefix(":") else { throw .invalidTarget(text) }
      portText = rest.dropFirst()
    } else if let colon = text.lastIndex(of: ":") {
      host = String(text[..<colon])
      portText = text[text.index(after: colon)...]
      // A bare IPv6 address is ambiguous: its last group would read as the port.
      guard !host.contains(":") else { throw .invalidTarget(text) }
    }
    guard !host.isEmpty, let port = Int(portText), (1...65535).contains(port) else {
      throw .invalidTarget(text)
    }
    self = .tcp(host: host, port: port)
  }

  /// The target in the form ``init(parsing:)`` reads, IPv6 hosts in brackets.
  public var description: String {
    switch self {
    case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    case .unix(let path): "unix:\(path)"
    }
  }
}
