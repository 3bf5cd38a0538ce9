extension LoadReport {
  /// The report as one line of JSON. Counts are integers; rates and latencies (microseconds)
  /// carry up to three fraction digits; `window_start` and `window_end` are seconds since the
  /// UNIX epoch. `extra` members are appended as given (each value must already be JSON), and
  /// `histogram` comes last: the whole window's latencies (microseconds) in base64, in
  /// HdrHistogram's compressed V2 encoding.
  public func json(extra: [(key: String, value: String)] = []) -> String {
    let latency = latencySummary
    var members: [(String, String)] = [
      ("target", JSONText.string(target.description)),
      ("mode", JSONText.string(mode.rawValue)),
      ("connections", "\(connections)"),
      ("connections_established", "\(connectionsEstablished)"),
      ("connections_lost", "\(connectionsLost)"),
      ("duration_s", FixedPoint.format(duration.seconds, 3)),
      ("sent", "\(sent)"),
      ("received", "\(received)"),
      ("in_flight", "\(inFlight)"),
      ("errors", "\(errors.total)"),
      ("msgs_per_s", FixedPoint.format(messagesPerSecond, 3)),
      ("bytes_per_s", FixedPoint.format(bytesPerSecond, 3)),
      ("bytes_sent", "\(bytesSent)"),
      ("bytes_received", "\(bytesReceived)"),
      ("rate", requestedRate.map { FixedPoint.format($0, 3) } ?? "null"),
      (
        "latency_us",
        JSONText.object([
          ("p50", FixedPoint.format(latency.p50, 3)), ("p90", FixedPoint.format(latency.p90, 3)),
          ("p99", FixedPoint.format(latency.p99, 3)), ("p999", FixedPoint.format(latency.p999, 3)),
          ("max", FixedPoint.format(latency.max, 3)), ("mean", FixedPoint.format(latency.mean, 3)),
        ])
      ),
      (
        "schedule_lag_us",
        scheduleLag.map {
          JSONText.object([
            ("mean", JSONText.number($0.mean.seconds * 1e6)), ("max", JSONText.number($0.max.seconds * 1e6)),
          ])
        } ?? "null"
      ),
      ("errors_by_kind", JSONText.object(LoadErrorKind.allCases.map { ($0.description, "\(errors[$0])") })),
      ("server_stopped_answering", serverStoppedAnswering ? "true" : "false"),
    ]
    if !rampSteps.isEmpty {
      members.append(("ramp", "[" + rampSteps.map(\.json).joined(separator: ",") + "]"))
    }
    members.append(("window_start", FixedPoint.format(windowStart, 3)))
    members.append(("window_end", FixedPoint.format(windowStart + duration.seconds, 3)))
    members.append(contentsOf: extra.map { ($0.key, $0.value) })
    members.append(("histogram", JSONText.string(HistogramEncoding.base64(self.latency))))
    return JSONText.object(members)
  }
}

extension RampStepReport {
  /// The step as a JSON object.
  var json: String {
    JSONText.object([
      ("step", "\(step)"), ("connections", "\(connections)"),
      ("duration_s", FixedPoint.format(duration.seconds, 3)), ("messages", "\(messages)"),
      ("msgs_per_s", FixedPoint.format(messagesPerSecond, 3)),
      ("p50_us", FixedPoint.format(latency.p50, 3)), ("p99_us", FixedPoint.format(latency.p99, 3)),
    ])
  }
}

/// Hand-written JSON text: strings escaped per RFC 8259, objects from already-encoded values.
public enum JSONText {
  /// `text` as a JSON string literal.
  public static func string(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case let control where control.value < 0x20:
        let hex = String(control.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// A JSON object of the given members, in order; values must already be JSON.
  public static func object(_ members: [(String, String)]) -> String {
    "{" + members.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
  }

  /// A number, or `null` when it is not finite.
  public static func number(_ value: Double, digits: Int = 3) -> String {
    value.isFinite ? FixedPoint.format(value, digits) : "null"
  }
}
