import EddyCodecs
import EddyProtocols
import EddyTesting
import Testing

@Suite struct LayerConformanceTests {
  @Test(arguments: ["line", "length-prefix", "zlib", "zlib,line", "zlib,length-prefix"])
  func everyCodecStackKeepsTheContract(name: String) throws {
    let stack = try CodecStack(parsing: name)
    let subject = LayerConformance.Subject(
      name: name, client: stack.wrap, preservesMessageBoundaries: stack.layers.count > 1 || name != "zlib")
    #expect(LayerConformance.failures(of: subject) == [])
  }

  /// A layer that breaks the contract is caught: this one hands every delivery up twice.
  @Test func aLayerThatDeliversTwiceFails() {
    final class Doubling: StreamProtocol, StreamTransport {
      var upper: any StreamProtocol
      var lower: (any StreamTransport)?
      init(_ upper: any StreamProtocol) { self.upper = upper }
      func connectionMade(_ transport: any StreamTransport) {
        lower = transport
        upper.connectionMade(self)
      }
      func dataReceived(_ data: ByteBuffer) {
        upper.dataReceived(data)
        upper.dataReceived(data)
      }
      func eofReceived() -> Bool { upper.eofReceived() }
      func connectionLost(_ error: (any Error)?) { upper.connectionLost(error) }
      var streamProtocol: any StreamProtocol { upper }
      func setProtocol(_ newProtocol: any StreamProtocol) { upper = newProtocol }
      func write(_ data: ByteBuffer) { lower?.write(data) }
      func writeEOF() { lower?.writeEOF() }
      var canWriteEOF: Bool { true }
      func abort() { lower?.abort() }
      func close() { lower?.close() }
      var isClosing: Bool { lower?.isClosing ?? true }
      func pauseReading() { lower?.pauseReading() }
      func resumeReading() { lower?.resumeReading() }
      var isReading: Bool { lower?.isReading ?? false }
      var writeBufferSize: Int { lower?.writeBufferSize ?? 0 }
      var writeBufferLimits: WriteBufferLimits { lower?.writeBufferLimits ?? WriteBufferLimits() }
      func setWriteBufferLimits(high: Int?, low: Int?) { lower?.setWriteBufferLimits(high: high, low: low) }
    }
    let failures = LayerConformance.failures(of: .init(name: "doubling", client: { Doubling($0) }))
    #expect(failures.contains { $0.contains("exchange") })
    #expect(failures.contains { $0.contains("buffered") })
  }
}
