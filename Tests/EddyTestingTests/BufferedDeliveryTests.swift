import EddyProtocols
import EddyTesting
import Testing

@Suite struct BufferedDeliveryTests {
  @Test func aBufferedProtocolOverAnInMemoryTransportReceivesEveryByte() {
    let payload = ByteBuffer(bytes: (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) })
    for chunkSize in [1, 3, 64, nil] {
      let reader = BufferedRecordingProtocol(memorySize: 5)
      let pair = InMemoryTransport.pair(RecordingProtocol(), reader, chunkSize: chunkSize)
      pair.client.write(payload)
      pair.client.close()
      #expect(pair.run())
      #expect(reader.plainDeliveries == 0)
      #expect(reader.received == payload)
      #expect(reader.recorder.violations.isEmpty)
      #expect(reader.recorder.didReceiveEOF && reader.recorder.isLost)
    }
  }

  @Test func aLinkHandsABufferedProtocolOneDeliveryInPiecesOfItsMemory() {
    let reader = BufferedRecordingProtocol(memorySize: 4)
    _ = InMemoryTransport.pair(RecordingProtocol(), reader)
    let link = StreamProtocolLink(reader)
    link.deliver("0123456789")
    #expect(reader.recorder.dataChunks == ["0123", "4567", "89"])
    #expect(reader.plainDeliveries == 0)
  }

  @Test func detachingALinkLeavesTheClosedProtocolAndReturnsTheLastOne() {
    let recorder = RecordingProtocol()
    var link = StreamProtocolLink(recorder)
    #expect(!(link.target is ClosedStreamProtocol))
    let last = link.detach()
    #expect(last === recorder)
    #expect(link.target is ClosedStreamProtocol)
    #expect(link.buffered == nil)
  }
}
