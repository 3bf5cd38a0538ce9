import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite struct EchoTests {
  @Test(arguments: ["127.0.0.1", "::1", "unix"])
  func bytesArriveCompleteAndInOrder(host: String) async throws {
    try await withLoop { loop in
      let server: Server
      if host == "unix" {
        server = try loop.createUnixServer(path: "/tmp/eddy-echo-\(getpid()).sock") { Echo() }
      } else {
        server = try loop.createServer(host: host, port: 0) { Echo() }
      }
      defer { server.close() }
      let payload = (0..<(3 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
      let log = ProbeLog()
      try await connect(loop, to: server.addresses[0]) {
        let probe = Probe(log: log)
        probe.onMade = { probe in
          // Many writes of odd sizes, so both sides see arbitrary chunking.
          var offset = 0
          var step = 1
          while offset < payload.count {
            let end = min(payload.count, offset + step)
            probe.transport!.write(ByteBuffer(bytes: payload[offset..<end]))
            offset = end
            step = step % 65_521 + 977
          }
        }
        return probe
      }
      #expect(await eventually { log.byteCount >= payload.count })
      #expect(log.bytes == payload)
    }
  }
}
