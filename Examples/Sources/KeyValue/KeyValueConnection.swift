import EddyCodecs
import EddyProtocols
import RESP

/// One client of a key-value server: each command it sends is run on the shared store and
/// answered in order. Input that is not RESP is answered with `-ERR Protocol error: …` before
/// the connection closes, as Redis does. A client that does not read its replies is stopped from
/// sending more until it does, so its replies cost bounded memory.
public final class KeyValueConnection: MessageStreamProtocol {
  /// Commands come in as RESP values.
  public typealias InboundMessage = RESPValue
  /// Replies go out as RESP values.
  public typealias OutboundMessage = RESPValue

  private let store: KeyValueStore
  private var transport: (any MessageStreamTransport<RESPValue>)?

  /// Creates a connection over `store`.
  public init(store: KeyValueStore) {
    self.store = store
  }

  /// Keeps the transport replies go to.
  public func connectionMade(_ transport: any MessageStreamTransport<RESPValue>) {
    self.transport = transport
  }

  /// Runs the command and writes its reply; QUIT is answered, then the connection closes.
  public func messageReceived(_ message: RESPValue) {
    if case .array(let words?) = message, words.count == 1, let name = words[0].bytes,
      CommandName(name) == .quit
    {
      transport?.write(.ok)
      transport?.close()
      return
    }
    transport?.write(store.execute(message))
  }

  /// Answers input that is not RESP with Redis's protocol error; the layer then closes.
  public func decodeFailed(_ error: any Error) {
    transport?.write(.error("ERR Protocol error: \(error)"))
  }

  /// Stops reading the client's commands while its replies wait.
  public func pauseWriting() { transport?.pauseReading() }

  /// Reads the client's commands again.
  public func resumeWriting() { transport?.resumeReading() }

  /// Lets go of the transport.
  public func connectionLost(_ error: (any Error)?) { transport = nil }

  /// Wraps a new connection's protocol for a server: the RESP codec layer over it.
  public static func layer(store: KeyValueStore) -> any StreamProtocol {
    CodecLayer(codec: RESPCodec(), handler: KeyValueConnection(store: store))
  }
}
