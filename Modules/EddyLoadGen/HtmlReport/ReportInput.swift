/// One file given to `loadgen report`, read: a saved `--json` result, an `--intervals` file or
/// an `--hlog` log.
public struct ReportInput: Sendable {
  /// What the file holds.
  public enum Contents: Sendable {
    /// A saved `--json` result (the last non-empty line of the file).
    case result(JSONValue)
    /// The records of an `--intervals` file.
    case intervals([IntervalRecord])
    /// The intervals of an `--hlog` log.
    case log([HistogramLog.Interval])
  }

  /// The file's name, as given.
  public let name: String
  /// What it holds.
  public let contents: Contents

  /// Reads `text`, the contents of the file `name`. A file whose last non-empty line is a JSON
  /// object with `t_s` is an `--intervals` file (every line a record); another JSON object is a
  /// `--json` result, as `loadgen merge` reads it; anything else must be an interval log.
  public init(name: String, text: String) throws(MergedResults.Refused) {
    self.name = name
    let lines = text.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
    guard let last = lines.last, last.first(where: { !$0.isWhitespace }) == "{" else {
      do {
        let intervals = try HistogramLog.read(text)
        guard !intervals.isEmpty else {
          throw MergedResults.Refused(reason: "neither a --json line, an --intervals file nor an --hlog log")
        }
        contents = .log(intervals)
      } catch let error as HistogramLog.ReadError {
        throw MergedResults.Refused(reason: "not an --hlog log: \(error)")
      } catch {
        throw error as? MergedResults.Refused ?? MergedResults.Refused(reason: "\(error)")
      }
      return
    }
    let object: JSONValue
    do {
      object = try JSONValue(parsing: String(last))
    } catch {
      throw MergedResults.Refused(reason: "not a loadgen --json line: \(error)")
    }
    guard object["t_s"] != nil else {
      contents = .result(object)
      return
    }
    var records: [IntervalRecord] = []
    for (number, line) in lines.enumerated() {
      do {
        records.append(try IntervalRecord(json: try JSONValue(parsing: String(line))))
      } catch {
        throw MergedResults.Refused(reason: "record \(number + 1): \(error)")
      }
    }
    contents = .intervals(records)
  }
}
