/// A load configuration that cannot run, with the reason in words.
public enum LoadConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The target is not `PORT`, `HOST:PORT`, `[IPV6]:PORT` or `unix:PATH`.
  case invalidTarget(String)
  /// A setting is out of range or contradicts another; the text names it.
  case invalidSetting(String)
  /// The `--codec` stack does not parse, or names `tls` without a TLS configuration; the text
  /// names the option and the offending part.
  case unknownCodec(String)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .invalidTarget(let text):
      "invalid target '\(text)': expected PORT, HOST:PORT, [IPV6]:PORT or unix:PATH"
    case .invalidSetting(let reason): reason
    case .unknownCodec(let reason): reason
    }
  }
}
