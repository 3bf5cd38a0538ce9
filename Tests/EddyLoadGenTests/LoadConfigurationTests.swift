import EddyLoadGen
import Testing

@Suite struct LoadConfigurationTests {
  private let base = LoadConfiguration(target: .tcp(host: "127.0.0.1", port: 9))

  @Test func defaultsFollowTheCommandContract() throws {
    #expect(base.connections == 16)
    #expect(base.duration == .seconds(10))
    #expect(base.pipeline == 1)
    #expect(base.payload.count == 64)
    #expect(base.codec == "raw")
    #expect(base.mode == .echo)
    try base.validate()
  }

  @Test func defaultPayloadIsPrintableWithoutLineBreaks() {
    let payload = LoadConfiguration.defaultPayload(size: 100)
    #expect(payload.count == 100)
    #expect(payload.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) })
  }

  @Test func rateAndPipelineExcludeEachOther() {
    var configuration = base
    configuration.rate = 100
    configuration.pipeline = 4
    #expect(throws: LoadConfigurationError.self) { try configuration.validate() }
  }

  @Test func verifyNeedsReplies() {
    var configuration = base
    configuration.mode = .sink
    configuration.verify = true
    #expect(throws: LoadConfigurationError.self) { try configuration.validate() }
  }

  @Test func unknownCodecStackIsRefusedByName() {
    var configuration = base
    configuration.codec = "gzip"
    #expect {
      try configuration.validate()
    } throws: { error in
      guard case .unknownCodec(let reason) = error as? LoadConfigurationError else { return false }
      return reason.contains("gzip")
    }
  }

  @Test func stacksWithKeysAreAcceptedAndBadOnesNamed() throws {
    var configuration = base
    configuration.codec = "zlib:level=1,length-prefix:width=2"
    try configuration.validate()
    configuration.codec = "length-prefix:endian=middle"
    #expect(
      throws: LoadConfigurationError.unknownCodec(
        "--codec: bad value 'middle' for key 'endian' in layer 'length-prefix' (expected big or little)")
    ) {
      try configuration.validate()
    }
  }

  @Test func aTLSLayerNeedsATLSConfiguration() {
    var configuration = base
    configuration.codec = "tls,line"
    #expect {
      try configuration.validate()
    } throws: { error in
      guard case .unknownCodec(let reason) = error as? LoadConfigurationError else { return false }
      return reason.contains("layer 'tls' needs a TLS client configuration")
    }
  }

  @Test func rampParsesAndCountsSteps() throws {
    let ramp = try LoadRamp(parsing: "4,1.5")
    #expect(ramp.stepConnections == 4)
    #expect(ramp.stepDuration == .milliseconds(1500))
    #expect(ramp.stepCount(connections: 10) == 3)
    #expect(throws: LoadConfigurationError.self) { try LoadRamp(parsing: "4") }
    #expect(throws: LoadConfigurationError.self) { try LoadRamp(parsing: "0,1") }
    var configuration = base
    configuration.connections = 10
    configuration.ramp = ramp
    #expect(configuration.window == .milliseconds(4500))
  }

  @Test func loopsNeverOutnumberConnections() {
    var configuration = base
    configuration.connections = 3
    configuration.loops = 8
    #expect(configuration.effectiveLoops == 3)
  }
}
