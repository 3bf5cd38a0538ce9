import EddyLoadGen
import Testing

/// The JSON reader `loadgen merge` reads results with.
@Suite struct JSONValueTests {
  @Test func whatLoadgenWritesParsesBack() throws {
    let text = JSONText.object([
      ("s", JSONText.string("a\"b\\c\n\u{01}é")), ("n", "-12.5e1"), ("t", "true"), ("z", "null"),
      ("a", "[1, [], {}]"),
    ])
    let value = try JSONValue(parsing: " \(text)\n")
    #expect(value["s"]?.string == "a\"b\\c\n\u{01}é")
    #expect(value["n"]?.number == -125)
    #expect(value["t"] == .bool(true) && value["z"] == .null)
    #expect(value["a"] == .array([.number(1), .array([]), .object([])]))
    #expect(try JSONValue(parsing: #""\ud83d\ude00\u00e9""#).string == "😀é")
  }

  @Test(arguments: [#"{"a":1"#, "[1,]", #"{"a" 1}"#, "01x", "tru", #""\u12""#, "1 2", #""\q""#, "nan"])
  func malformedTextIsRefused(text: String) {
    #expect(throws: JSONValue.ParseError.self) { try JSONValue(parsing: text) }
  }
}
