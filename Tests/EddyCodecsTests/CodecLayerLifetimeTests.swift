import EddyCodecs
import EddyProtocols
import EddyTesting
import Testing

/// A message protocol that records messages and, unless told to keep it, lets go of its
/// transport when the connection ends.
final class LifetimeEnd: MessageProtocol {
  let keepsTransport: Bool
  var transport: (any StreamTransport)?
  var messages: [ByteBuffer] = []
  var isLost = false

  init(keepsTransport: Bool) { self.keepsTransport = keepsTransport }

  func connectionMade(_ transport: any StreamTransport) { self.transport = transport }
  func messageReceived(_ message: ByteBuffer) { messages.append(message) }

  func connectionLost(_ error: (any Error)?) {
    isLost = true
    if !keepsTransport { transport = nil }
  }
}

@Suite struct CodecLayerLifetimeTests {
  /// Stacked layers hold each other (the upper one as its transport below, the lower one as its
  /// protocol above); they once kept each other, and a zlib layer's buffers, alive after every
  /// connection. Found by the `stack` fuzz program under LeakSanitizer.
  ///
  /// A protocol that keeps its transport (the top layer) after the end must not keep the stack
  /// alive either: a layer lets go of the protocol above, as a socket transport does.
  @Test(arguments: ["line", "zlib", "zlib,line", "zlib,length-prefix"], [false, true])
  func aStackIsFreedOnceItsConnectionHasEnded(name: String, keepsTransport: Bool) throws {
    let stack = try CodecStack(parsing: name)
    weak var clientBottom: AnyObject?
    weak var serverBottom: AnyObject?
    weak var serverTop: LifetimeEnd?
    var keptTransports: [any StreamTransport] = []
    do {
      let client = LifetimeEnd(keepsTransport: keepsTransport)
      let server = LifetimeEnd(keepsTransport: keepsTransport)
      let pair = InMemoryTransport.pair(stack.wrap(client), stack.wrap(server))
      clientBottom = pair.client.streamProtocol
      serverBottom = pair.server.streamProtocol
      serverTop = server
      client.transport?.write("hello")
      client.transport?.close()
      #expect(pair.run())
      #expect(server.messages == (name == "zlib" ? [] : ["hello"]))
      #expect(client.isLost && server.isLost)
      #expect((client.transport == nil) != keepsTransport)
      keptTransports = [client.transport, server.transport].compactMap { $0 }
    }
    // Transports kept past the end are inert: every callback target is released.
    #expect(keptTransports.allSatisfy { $0.streamProtocol is ClosedStreamProtocol })
    keptTransports.removeAll()
    #expect(clientBottom == nil)
    #expect(serverBottom == nil)
    #expect(serverTop == nil)
  }
}
