import EddyProtocols
import EddyTesting
import Testing

@Suite struct RecordingProtocolTests {
  @Test func joinsReceivedBytes() {
    let recorder = RecordingProtocol()
    let pair = InMemoryTransport.pair(RecordingProtocol(), recorder)
    pair.client.write("hello, ")
    pair.client.write("world")
    pair.run()
    #expect(recorder.received == "hello, world")
    #expect(recorder.receivedString == "hello, world")
    #expect(recorder.hasConnected && !recorder.didReceiveEOF && !recorder.isLost)
  }

  @Test func eofReturnIsConfigurable() {
    #expect(RecordingProtocol(keepsOpenOnEOF: true).eofReceived())
    #expect(!RecordingProtocol().eofReceived())
  }

  @Test func reportsContractViolations() {
    let recorder = RecordingProtocol()
    recorder.dataReceived("early")
    let pair = InMemoryTransport.pair(RecordingProtocol(), recorder)
    recorder.connectionMade(pair.server)
    recorder.dataReceived(ByteBuffer())
    recorder.resumeWriting()
    recorder.pauseWriting()
    recorder.pauseWriting()
    _ = recorder.eofReceived()
    recorder.dataReceived("after eof")
    recorder.connectionLost(nil)
    recorder.connectionLost(nil)
    #expect(
      recorder.violations == [
        "dataReceived before connectionMade",
        "connectionMade called twice",
        "dataReceived with no bytes",
        "resumeWriting without pauseWriting",
        "pauseWriting while already paused",
        "dataReceived after eofReceived",
        "connectionLost after connectionLost",
      ])
  }

  @Test func recordsTheLostError() {
    let recorder = RecordingProtocol()
    recorder.connectionMade(InMemoryTransport.pair(RecordingProtocol(), RecordingProtocol()).client)
    recorder.connectionLost(InMemoryTransportError.connectionReset)
    #expect(recorder.lostError as? InMemoryTransportError == .connectionReset)
    #expect(recorder.events.last == .connectionLost(InMemoryTransportError.connectionReset.description))
    #expect(recorder.isLost)
  }

  @Test func writingPausedStateFollowsTheEvents() {
    let recorder = RecordingProtocol()
    recorder.connectionMade(InMemoryTransport.pair(RecordingProtocol(), RecordingProtocol()).client)
    #expect(!recorder.isWritingPaused)
    recorder.pauseWriting()
    #expect(recorder.isWritingPaused)
    recorder.resumeWriting()
    #expect(!recorder.isWritingPaused)
    #expect(recorder.count(of: .pauseWriting) == 1)
  }
}
