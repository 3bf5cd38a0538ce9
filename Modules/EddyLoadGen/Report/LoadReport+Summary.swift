extension LoadReport {
  /// A readable multi-line summary: totals, throughput, latency percentiles, errors by kind,
  /// and the ramp steps if any.
  public var summary: String {
    let latency = latencySummary
    func us(_ value: Double) -> String { FixedPoint.format(value, 1) }
    var lines = [
      "target       \(target) (\(mode.rawValue)\(requestedRate.map { ", rate \(FixedPoint.format($0, 0))/s" } ?? ""))",
      "connections  \(connections) asked, \(connectionsEstablished) made, \(connectionsLost) lost",
      "window       \(FixedPoint.format(duration.seconds, 3)) s",
      "messages     sent \(sent), received \(received), in flight \(inFlight)",
      "throughput   \(FixedPoint.format(messagesPerSecond, 1)) msg/s, "
        + "\(FixedPoint.format(bytesPerSecond / 1_000_000, 2)) MB/s",
    ]
    if mode.expectsReplies {
      lines.append(
        "latency us   p50 \(us(latency.p50))  p90 \(us(latency.p90))  p99 \(us(latency.p99))  "
          + "p99.9 \(us(latency.p999))  max \(us(latency.max))  mean \(us(latency.mean))")
    }
    if let scheduleLag {
      lines.append(
        "schedule lag mean \(us(scheduleLag.mean.seconds * 1e6)) us, max \(us(scheduleLag.max.seconds * 1e6)) us "
          + "(writes behind the open-loop schedule, included in the latencies)")
    }
    let errorKinds = errors.nonZero
    if errorKinds.isEmpty {
      lines.append("errors       none")
    } else {
      lines.append(
        "errors       \(errors.total): " + errorKinds.map { "\($0.kind) \($0.count)" }.joined(separator: ", ")
      )
      for (kind, _) in errorKinds {
        if let message = errors.firstMessage(kind) { lines.append("  first \(kind): \(message)") }
      }
    }
    if serverStoppedAnswering {
      lines.append(
        "stopped      the server stopped answering: no reply for \(FixedPoint.format(replyTimeout.seconds, 3)) s"
      )
    }
    for step in rampSteps {
      lines.append(
        "ramp step \(step.step)  \(step.connections) connections  \(FixedPoint.format(step.messagesPerSecond, 1)) msg/s"
          + "  p50 \(us(step.latency.p50)) us  p99 \(us(step.latency.p99)) us")
    }
    return lines.joined(separator: "\n")
  }
}
