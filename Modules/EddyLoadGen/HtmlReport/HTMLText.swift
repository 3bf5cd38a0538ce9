/// Text made safe to put into an HTML page, in element content or a quoted attribute value.
public enum HTMLText {
  /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references.
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(character)
      }
    }
    return out
  }
}
