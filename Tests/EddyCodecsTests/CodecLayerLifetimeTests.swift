import EddyCodecs
import EddyProtocols
import EddyTesting
import Testing

/// A message protocol that lets go of its transport when the connection ends, as well-behaved
/// protocols do, so that only the layers themselves could keep the connection alive.
final class ForgetfulEnd: MessageProtocol {
  var transport: (any StreamTransport)?
  var messages: [ByteBuffer] = []
  func connectionMade(_ transport: any StreamTransport) { self.transport = transport }
  func messageReceived(_ message: ByteBuffer) { messages.append(message) }
  func connectionLost(_ error: (any Error)?) { transport = nil }
}

@Suite struct CodecLayerLifetimeTests {
  /// Stacked layers hold each other (the upper one as its transport below, the lower one as its
  /// protocol above); they once kept each other, and a zlib layer's buffers, alive after every
  /// connection. Found by the `stack` fuzz program under LeakSanitizer.
  @Test(arguments: ["line", "zlib", "zlib,line", "zlib,length-prefix"])
  func aStackIsFreedOnceItsConnectionHasEnded(name: String) throws {
    let stack = try CodecStack(parsing: name)
    weak var clientBottom: AnyObject?
    weak var serverBottom: AnyObject?
    weak var serverTop: ForgetfulEnd?
    do {
      let client = ForgetfulEnd()
      let server = ForgetfulEnd()
      let pair = InMemoryTransport.pair(stack.wrap(client), stack.wrap(server))
      clientBottom = pair.client.streamProtocol
      serverBottom = pair.server.streamProtocol
      serverTop = server
      client.transport?.write("hello")
      client.transport?.close()
      #expect(pair.run())
      #expect(server.messages == (name == "zlib" ? [] : ["hello"]))
      #expect(client.transport == nil && server.transport == nil)
    }
    #expect(clientBottom == nil)
    #expect(serverBottom == nil)
    #expect(serverTop == nil)
  }
}
