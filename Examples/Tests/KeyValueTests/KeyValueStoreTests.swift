import EddyCodecs
import EddyProtocols
import EddyTesting
import KeyValue
import RESP
import Testing

/// A clock the test moves by hand.
final class ManualClock {
  var now = ContinuousClock.now
}

@Suite struct KeyValueStoreTests {
  let clock = ManualClock()
  let store: KeyValueStore

  init() {
    let clock = clock
    store = KeyValueStore { clock.now }
  }

  private func run(_ words: String...) -> RESPValue {
    store.execute(.array(words.map(RESPValue.bulk)))
  }

  @Test func theCommandsAnswerAsRedisDoes() {
    #expect(run("PING") == .simpleString("PONG"))
    #expect(run("ping", "hi") == .bulk("hi"))
    #expect(run("ECHO", "hello") == .bulk("hello"))
    #expect(run("GET", "k") == .null)
    #expect(run("SET", "k", "v") == .ok)
    #expect(run("get", "k") == .bulk("v"))
    #expect(run("EXISTS", "k", "nope", "k") == .integer(2))
    #expect(run("SET", "k", "w", "NX") == .null)
    #expect(run("SET", "x", "w", "XX") == .null)
    #expect(run("INCR", "n") == .integer(1))
    #expect(run("INCR", "n") == .integer(2))
    #expect(run("DECR", "n") == .integer(1))
    #expect(run("INCR", "k") == .error("ERR value is not an integer or out of range"))
    #expect(run("DBSIZE") == .integer(2))
    #expect(run("DEL", "k", "n", "nope") == .integer(2))
    #expect(run("GET", "k") == .null)
    #expect(run("GET") == .error("ERR wrong number of arguments for 'get' command"))
    #expect(run("NOPE", "a") == .error("ERR unknown command 'NOPE', with args beginning with: "))
    #expect(run("CONFIG", "GET", "save") == .array([.bulk("save"), .bulk("")]))
  }

  @Test func incrRefusesToOverflow() {
    #expect(run("SET", "n", "\(Int64.max)") == .ok)
    #expect(run("INCR", "n") == .error("ERR increment or decrement would overflow"))
  }

  @Test func keysExpireAtTheirTime() {
    #expect(run("SET", "a", "1", "EX", "10") == .ok)
    #expect(run("SET", "b", "1", "PX", "1500") == .ok)
    #expect(run("SET", "c", "1") == .ok)
    #expect(run("EXPIRE", "c", "3") == .integer(1))
    #expect(run("TTL", "a") == .integer(10))
    #expect(run("TTL", "nope") == .integer(-2))
    clock.now += .milliseconds(1499)
    #expect(run("GET", "b") == .bulk("1"))
    clock.now += .milliseconds(1)
    #expect(run("GET", "b") == .null)
    clock.now += .milliseconds(1500)
    #expect(run("EXISTS", "c") == .integer(0))
    #expect(run("TTL", "a") == .integer(7))
    #expect(run("SET", "a", "2") == .ok)
    #expect(run("TTL", "a") == .integer(-1))
    #expect(run("SET", "z", "1", "EX", "0") == .error("ERR invalid expire time in 'set' command"))
  }

  @Test func storedKeysAndValuesDoNotKeepTheReceivedBuffer() {
    var received = ByteBuffer(string: "keyvalue")
    let key = received.getSlice(at: 0, length: 3)!
    let value = received.getSlice(at: 3, length: 5)!
    #expect(store.execute(.array([.bulk("SET"), .bulkString(key), .bulkString(value)])) == .ok)
    guard case .bulkString(let stored?) = run("GET", "key") else {
      Issue.record("not stored")
      return
    }
    #expect(!stored.sharesStorage(with: received))
    received.writeString("!")
  }
}

@Suite struct KeyValueConnectionTests {
  @Test func pipelinedCommandsAreAnsweredInOrderAtEveryChunking() throws {
    var codec = RESPCodec()
    var wire = ByteBuffer()
    for command in [RESPValue.command("SET", "a", "1"), .command("INCR", "a"), .command("GET", "a")] {
      try codec.encode(command, into: &wire)
    }
    wire.writeString("PING\r\n")
    for chunkSize in [1, 2, 7, nil] {
      let client = RecordingProtocol()
      let pair = InMemoryTransport.pair(
        client, KeyValueConnection.layer(store: KeyValueStore()), chunkSize: chunkSize)
      pair.client.write(wire)
      pair.client.writeEOF()
      #expect(pair.run())
      #expect(client.receivedString == "+OK\r\n:2\r\n$1\r\n2\r\n+PONG\r\n")
      #expect(client.didReceiveEOF && client.isLost)
    }
  }

  @Test func aProtocolErrorIsAnsweredThenTheConnectionCloses() {
    let client = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, KeyValueConnection.layer(store: KeyValueStore()))
    pair.client.write(ByteBuffer(string: "PING\r\n$-5\r\nPING\r\n"))
    #expect(pair.run())
    #expect(client.receivedString == "+PONG\r\n-ERR Protocol error: invalid length or integer\r\n")
    #expect(client.didReceiveEOF)
    #expect(pair.server.isClosed)
  }

  @Test func quitAnswersOKAndCloses() {
    let client = RecordingProtocol()
    let pair = InMemoryTransport.pair(client, KeyValueConnection.layer(store: KeyValueStore()))
    pair.client.write(ByteBuffer(string: "QUIT\r\nPING\r\n"))
    #expect(pair.run())
    #expect(client.receivedString == "+OK\r\n")
    #expect(pair.server.isClosed)
  }
}
