import CEddyOpenSSL

/// Reads OpenSSL's per-thread error queue.
enum OpenSSLErrors {
  /// Empties the queue, so the next failure reports only its own errors.
  static func clear() { ERR_clear_error() }

  /// Empties the queue and returns its reasons joined with "; ", or `fallback` when it was empty.
  static func drain(fallback: String = "unknown OpenSSL error") -> String {
    var reasons: [String] = []
    while case let code = ERR_get_error(), code != 0 {
      if let reason = ERR_reason_error_string(code) {
        reasons.append(String(cString: reason))
      } else {
        reasons.append("error code \(code)")
      }
    }
    return reasons.isEmpty ? fallback : reasons.joined(separator: "; ")
  }
}
