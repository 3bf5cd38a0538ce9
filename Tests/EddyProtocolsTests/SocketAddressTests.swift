import EddyProtocols
import Testing

@Suite struct SocketAddressTests {
  @Test func parsesAndPrintsIPv4AndIPv6() throws {
    let v4 = try SocketAddress(ipAddress: "127.0.0.1", port: 8080)
    #expect(v4.description == "127.0.0.1:8080")
    #expect(v4.port == 8080)
    let v6 = try SocketAddress(ipAddress: "::1", port: 443)
    #expect(v6.description == "[::1]:443")
    #expect(try SocketAddress(ipAddress: "[::1]", port: 443) == v6)
    #expect(v4 != v6)
  }

  @Test func rejectsMalformedAddresses() {
    #expect(throws: SocketAddress.InvalidAddress.self) { try SocketAddress(ipAddress: "localhost", port: 1) }
    #expect(throws: SocketAddress.InvalidAddress.self) {
      try SocketAddress(ipAddress: "1.2.3.4", port: 70_000)
    }
    #expect(throws: SocketAddress.InvalidAddress.self) {
      try SocketAddress(unixPath: String(repeating: "x", count: 200))
    }
  }

  @Test func unixAddressesRoundTripThroughTheKernelForm() throws {
    let address = try SocketAddress(unixPath: "/tmp/eddy.sock")
    #expect(address.description == "unix:/tmp/eddy.sock")
    let decoded = address.withSockAddr { SocketAddress($0, length: $1) }
    #expect(decoded == address)
  }
}
