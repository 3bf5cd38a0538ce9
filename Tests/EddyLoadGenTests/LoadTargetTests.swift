import EddyLoadGen
import Testing

@Suite struct LoadTargetTests {
  @Test(arguments: [
    ("9000", LoadTarget.tcp(host: "127.0.0.1", port: 9000)),
    ("localhost:80", .tcp(host: "localhost", port: 80)),
    ("10.1.2.3:65535", .tcp(host: "10.1.2.3", port: 65535)),
    ("[::1]:7", .tcp(host: "::1", port: 7)),
    ("unix:/tmp/echo.sock", .unix(path: "/tmp/echo.sock")),
  ])
  func parsesEveryContractForm(text: String, expected: LoadTarget) throws {
    #expect(try LoadTarget(parsing: text) == expected)
  }

  @Test(arguments: ["", "0", "65536", "host:", ":80", "::1:80", "[::1]", "[::1]80", "unix:", "port"])
  func rejectsMalformedTargets(text: String) {
    #expect(throws: LoadConfigurationError.invalidTarget(text)) { try LoadTarget(parsing: text) }
  }

  @Test func describesIPv6InBrackets() {
    #expect(LoadTarget.tcp(host: "::1", port: 9).description == "[::1]:9")
    #expect(LoadTarget.unix(path: "/s").description == "unix:/s")
  }
}
