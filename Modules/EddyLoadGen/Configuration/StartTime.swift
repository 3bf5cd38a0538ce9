/// `--start-at TIME`: when many hosts start their load together, as seconds since the UNIX
/// epoch. TIME is a number of seconds (`1764652800`, `1764652800.250`) or an RFC 3339 time in
/// UTC (`2025-12-02T05:20:00Z`, `2025-12-02T05:20:00.250+00:00`).
public enum StartTime {
  /// The time `text` names, in seconds since the UNIX epoch.
  public static func parse(_ text: String) throws(LoadConfigurationError) -> Double {
    func refuse(_ reason: String) -> LoadConfigurationError {
      .invalidSetting("--start-at '\(text)': \(reason)")
    }
    if let seconds = Double(text), text.allSatisfy({ $0.isNumber || $0 == "." }) {
      return seconds
    }
    let characters = Array(text)
    func number(_ range: Range<Int>) -> Int? {
      guard range.upperBound <= characters.count, characters[range].allSatisfy(\.isASCII),
        characters[range].allSatisfy(\.isNumber)
      else { return nil }
      return Int(String(characters[range]))
    }
    func character(_ index: Int, in allowed: String) -> Bool {
      index < characters.count && allowed.contains(characters[index])
    }
    guard let year = number(0..<4), character(4, in: "-"), let month = number(5..<7), character(7, in: "-"),
      let day = number(8..<10), character(10, in: "Tt "), let hour = number(11..<13), character(13, in: ":"),
      let minute = number(14..<16), character(16, in: ":"), let second = number(17..<19)
    else {
      throw refuse("expected UNIX seconds or an RFC 3339 time such as 2025-12-02T05:20:00Z")
    }
    var index = 19
    var fraction = 0.0
    if character(index, in: ".") {
      var scale = 0.1
      index += 1
      let start = index
      while index < characters.count, characters[index].isASCII,
        let digit = characters[index].wholeNumberValue
      {
        fraction += Double(digit) * scale
        scale /= 10
        index += 1
      }
      guard index > start else { throw refuse("expected digits after the decimal point") }
    }
    let zone = String(characters[index...])
    guard ["Z", "z", "+00:00", "-00:00"].contains(zone) else {
      throw refuse("the time must be in UTC (ending in Z or +00:00), not '\(zone)'")
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard (1...12).contains(month), (1...monthDays[month - 1]).contains(day), hour < 24, minute < 60,
      second < 60
    else { throw refuse("no such date or time") }
    return Double(
      daysSinceEpoch(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second)
      + fraction
  }

  /// Days from 1970-01-01 to the given day of the proleptic Gregorian calendar.
  private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    // Counted from 1 March of year 0, so that the leap day ends each year.
    let shifted = month <= 2 ? year - 1 : year
    let era = (shifted >= 0 ? shifted : shifted - 399) / 400
    let yearOfEra = shifted - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}
