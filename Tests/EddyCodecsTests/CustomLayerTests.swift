import EddyCodecs
import EddyProtocols
import EddyTesting
import Synchronization
import Testing

/// A count a Sendable closure can bump.
private final class Count: Sendable {
  let value = Atomic<Int>(0)
}

/// A codec written outside the project: netstrings (`LENGTH:BYTES,`), as a user would add one.
private struct NetstringDecoder: FrameDecoder {
  mutating func decode(_ buffer: inout ByteBuffer) throws(CodecError) -> ByteBuffer? {
    guard let colon = buffer.firstIndex(of: UInt8(ascii: ":")) else {
      guard buffer.readableBytes <= 10 else { throw .corruptStream("netstring length too long") }
      return nil
    }
    guard let text = buffer.getString(at: 0, length: colon), let length = Int(text), length <= 1 << 20 else {
      throw .corruptStream("bad netstring length")
    }
    guard buffer.readableBytes >= colon + 1 + length + 1 else { return nil }
    guard buffer.getByte(at: colon + 1 + length) == UInt8(ascii: ",") else {
      throw .corruptStream("a netstring must end with a comma")
    }
    buffer.moveReaderIndex(forwardBy: colon + 1)
    let frame = buffer.readSlice(length: length)!
    buffer.moveReaderIndex(forwardBy: 1)
    return frame
  }
}

private struct NetstringEncoder: FrameEncoder {
  mutating func encode(_ frame: ByteBuffer, into buffer: inout ByteBuffer) throws(CodecError) {
    buffer.writeString("\(frame.readableBytes):")
    buffer.writeBuffer(frame)
    buffer.writeString(",")
  }
}

/// A user's codec and a user's layer join a `CodecStack` like the named ones, and keep the
/// layer contract there.
@Suite struct CustomLayerTests {
  private static let netstring = CustomLayer.codec(name: "netstring") {
    (NetstringDecoder(), NetstringEncoder())
  }

  @Test(arguments: [false, true])
  func aUsersCodecJoinsAStackAndKeepsTheContract(overZlib: Bool) throws {
    let layers: [CodecStack.Layer] = (overZlib ? [.zlib(ZlibOptions())] : []) + [.custom(Self.netstring)]
    let stack = CodecStack(layers: layers)
    #expect(stack.description == (overZlib ? "zlib,netstring" : "netstring"))
    #expect(stack.layers.last?.frames == true)
    let subject = LayerConformance.Subject(name: stack.description, client: stack.wrap)
    #expect(LayerConformance.failures(of: subject) == [])
  }

  @Test func framesOfAUsersCodecArriveWholeAndEncoded() {
    let stack = CodecStack(layers: [.custom(Self.netstring)])
    let client = RecordingProtocol { recorder, event in
      if event == .connectionMade { recorder.transport?.write("hello") }
    }
    let server = RecordingProtocol()
    let pair = InMemoryTransport.pair(stack.wrap(client), server)
    pair.run()
    #expect(server.receivedString == "5:hello,")
  }

  @Test func theTLSMarkIsReplacedByTheLayerGiven() throws {
    let marked = try CodecStack(parsing: "tls,line")
    let built = Count()
    let layer = CustomLayer(name: "counting") { above in
      built.value.add(1, ordering: .relaxed)
      return above
    }
    let stack = marked.replacingTLSMark(with: layer)
    #expect(!stack.usesTLS && stack.description == "counting,line")
    _ = stack.wrap(RecordingProtocol())
    #expect(built.value.load(ordering: .relaxed) == 1)
    #expect(CodecStack(layers: [.custom(layer)]) == CodecStack(layers: [.custom(layer)]))
    #expect(CodecStack(layers: [.custom(layer)]) != CodecStack(layers: [.custom(Self.netstring)]))
  }
}
