import EddyCodecs
import EddyLoadGen
import EddyTestSupport
import Testing

/// Load through every codec stack the tools name, against an Eddy echo server using the same stack.
@Suite struct CodecStackLoadTests {
  @Test(arguments: CodecStack.validNames)
  func everyStackCountsAndVerifiesEachMessage(codec: String) async throws {
    let server = try CountingEchoServer(codec: codec)
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.codec = codec
    configuration.requests = 600
    configuration.pipeline = 3
    configuration.verify = true
    configuration.duration = .seconds(20)
    let report = try await LoadGenerator(configuration).run()
    #expect(report.sent == 600)
    #expect(report.received == 600)
    #expect(report.errors.total == 0)
    // The server counts decoded payload bytes, whatever the stack added on the wire.
    #expect(await eventually { server.counts.bytes.load(ordering: .relaxed) == 600 * 64 })
  }

  @Test func verifyCatchesACorruptedFrame() async throws {
    let server = try CountingEchoServer(corruptOffset: 64 * 3 + 1, codec: "length-prefix")
    defer { server.stop() }
    var configuration = testConfiguration(server.target)
    configuration.codec = "length-prefix"
    configuration.requests = 100
    configuration.verify = true
    let report = try await LoadGenerator(configuration).run()
    #expect(report.errors[.verifyMismatch] == 1)
  }

  @Test func aLineStackRefusesAPayloadWithANewline() {
    var configuration = LoadConfiguration(target: .tcp(host: "127.0.0.1", port: 9))
    configuration.codec = "zlib,line"
    configuration.payload = Array("two\nlines".utf8)
    #expect(throws: LoadConfigurationError.self) { try configuration.validate() }
    configuration.payload = Array("one line".utf8)
    #expect(throws: Never.self) { try configuration.validate() }
  }

  @Test func aLengthPrefixStackRefusesAPayloadOverMaxFrame() {
    var configuration = LoadConfiguration(target: .tcp(host: "127.0.0.1", port: 9))
    configuration.codec = "length-prefix"
    configuration.maxFrame = 32
    #expect(throws: LoadConfigurationError.self) { try configuration.validate() }
    configuration.maxFrame = 64
    #expect(throws: Never.self) { try configuration.validate() }
  }
}
