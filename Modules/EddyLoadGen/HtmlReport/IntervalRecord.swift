/// One line of an `--intervals` file: what one reporting interval measured.
public struct IntervalRecord: Sendable, Equatable {
  /// The interval's start, in seconds since the run's window began (`t_s`).
  public var start: Double
  /// Messages written in the interval.
  public var sent: Int
  /// Replies received in it.
  public var received: Int
  /// Errors counted in it.
  public var errors: Int
  /// Its throughput (`msgs_per_s`).
  public var messagesPerSecond: Double
  /// Its median latency, in microseconds.
  public var p50: Double
  /// Its 99th percentile latency, in microseconds.
  public var p99: Double

  /// Reads a record from one parsed line; refused when a member the format requires is missing.
  public init(json: JSONValue) throws(MergedResults.Refused) {
    func number(_ value: JSONValue?, _ key: String) throws(MergedResults.Refused) -> Double {
      guard let number = value?.number else {
        throw MergedResults.Refused(reason: "not an --intervals record: no '\(key)'")
      }
      return number
    }
    func count(_ key: String) throws(MergedResults.Refused) -> Int {
      let value = try number(json[key], key)
      guard value >= 0, value < 9e15, value == value.rounded() else {
        throw MergedResults.Refused(reason: "not an --intervals record: '\(key)' is not a count")
      }
      return Int(value)
    }
    start = try number(json["t_s"], "t_s")
    sent = try count("sent")
    received = try count("received")
    errors = try count("errors")
    messagesPerSecond = try number(json["msgs_per_s"], "msgs_per_s")
    p50 = try number(json["latency_us"]?["p50"], "latency_us.p50")
    p99 = try number(json["latency_us"]?["p99"], "latency_us.p99")
  }
}
