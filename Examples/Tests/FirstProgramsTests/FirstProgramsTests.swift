import Eddy
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Each of the first programs (Examples/Sources, docs/first-programs.md) run for a moment as a
/// child process on a free loopback port and talked to; every test is bounded in time and stops
/// its program by PID.
@Suite(.serialized) struct FirstProgramsTests {
  let group: EventLoopGroup
  var loop: EventLoop { group.loops[0] }

  init() throws { group = try EventLoopGroup(loops: 1, name: "first-programs") }

  @Test func chatServerRelaysEveryLineToTheOtherMembers() async throws {
    let loop = loop
    try await within(seconds: 30) {
      let port = try await freeTCPPort(on: loop)
      try await withProgram("chat-server", ["\(port)"], on: loop) { _ in
        let ann = try await connect(port: port, on: loop, configuration: lines)
        let bob = try await connect(port: port, on: loop, configuration: lines)
        var annHears = ann.inbound.makeAsyncIterator()
        var bobHears = bob.inbound.makeAsyncIterator()
        // One loop accepts in order, so Ann is in the room before Bob speaks.
        try await bob.write(ByteBuffer(string: "bob here"))
        #expect(try await nextLine(&annHears) == "bob here")
        try await ann.write(ByteBuffer(string: "hello bob"))
        #expect(try await nextLine(&bobHears) == "hello bob")
        try await bob.write(ByteBuffer(string: "bye"))
        #expect(try await nextLine(&annHears) == "bye")  // not her own "hello bob"
        ann.close()
        bob.close()
      }
    }
  }

  @Test(arguments: ["rpc-server", "rpc-async"])
  func rpcAnswersEveryRequestInOrder(program: String) async throws {
    let loop = loop
    try await within(seconds: 30) {
      let port = try await freeTCPPort(on: loop)
      try await withProgram(program, ["\(port)"], on: loop) { _ in
        let frames = AsyncConnectionConfiguration(
          layers: CodecStack(layers: [
            .lengthPrefix(LengthFieldCodec(lengthFieldLength: 2, endianness: .little))
          ])
          .wrap)
        let client = try await connect(port: port, on: loop, configuration: frames)
        var add = ByteBuffer(bytes: [1])
        add.writeInteger(Int32(2), endianness: .little)
        add.writeInteger(Int32(40), endianness: .little)
        let requests = [
          add, ByteBuffer(bytes: [2] + Array("hello".utf8)), ByteBuffer(), ByteBuffer(bytes: [9]),
        ]
        for request in requests { try await client.write(request) }
        var replies = client.inbound.makeAsyncIterator()
        var sum = try #require(try await replies.next())
        #expect(sum.readInteger(as: UInt8.self) == 0)
        #expect(sum.readInteger(endianness: .little, as: Int32.self) == 42)
        #expect(try await replies.next() == ByteBuffer(bytes: [0] + Array("HELLO".utf8)))
        #expect(try await replies.next() == ByteBuffer(bytes: [1] + Array("an empty request".utf8)))
        #expect(try await replies.next() == ByteBuffer(bytes: [1] + Array("no method 9".utf8)))
        client.close()
      }
    }
  }

  @Test func catCodecGetsEveryLineBackEmptyOnesIncluded() async throws {
    let loop = loop
    try await within(seconds: 30) {
      try await withProgram("cat-codec", ["hello", "", "world"], on: loop) { child in
        let printed = try await printedLines(child)
        #expect(printed == ["cat: hello", "cat: ", "cat: world"])
        #expect(try await child.wait() == 0)
      }
    }
  }

  @Test func udpEchoSendsEveryDatagramBack() async throws {
    let loop = loop
    try await within(seconds: 30) {
      let port = try await freeUDPPort(on: loop)
      try await withProgram("udp-echo", ["\(port)"], on: loop) { _ in
        let server = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        let endpoint = try await loop.createDatagramEndpoint(
          local: try SocketAddress(ipAddress: "127.0.0.1", port: 0))
        // Datagrams sent before the echo has bound its port are lost: send until one comes back.
        let sender = Task {
          while !Task.isCancelled {
            try await endpoint.send(ByteBuffer(string: "ping"), to: server)
            try await Task.sleep(for: .milliseconds(50))
          }
        }
        defer { sender.cancel() }
        var received = endpoint.inbound.makeAsyncIterator()
        let echo = try #require(try await received.next())
        #expect(echo.data.string == "ping")
        #expect(echo.address == server)
        endpoint.close()
      }
    }
  }

  @Test func tlsLinesServerAnswersAVerifyingClientAndRefusesAnUntrustedOne() async throws {
    let loop = loop
    try await within(seconds: 60) {
      let certificates = try await makeCertificates(on: loop)
      let port = try await freeTCPPort(on: loop)
      let server = ["server", certificates + "/server.pem", certificates + "/server.key", "\(port)"]
      try await withProgram("tls-lines", server, on: loop) { _ in
        // A plain connection that opens shows the server is up.
        try await connect(port: port, on: loop, configuration: AsyncConnectionConfiguration()).abort()
        try await withProgram(
          "tls-lines", ["client", certificates + "/ca.pem", "\(port)", "one", "two"], on: loop
        ) {
          client in
          let printed = try await printedLines(client)
          #expect(printed == ["one", "two"])
          #expect(try await client.wait() == 0)
        }
        try await withProgram(
          "tls-lines", ["client", certificates + "/rogue-ca.pem", "\(port)", "one"], on: loop
        ) {
          client in
          let printed = try await printedLines(client)
          #expect(printed.count == 1 && printed[0].hasPrefix("tls-lines: certificate verification failed"))
          #expect(try await client.wait() == 1)
        }
      }
      _ = try await loop.subprocessExec(argv: ["rm", "-rf", certificates], stdin: .devNull).wait()
    }
  }

  @Test func gracefulShutdownSaysGoodbyeToEveryClientAndExitsZero() async throws {
    let loop = loop
    try await within(seconds: 30) {
      let port = try await freeTCPPort(on: loop)
      try await withProgram("graceful-shutdown", ["\(port)"], on: loop) { child in
        let busy = try await connect(port: port, on: loop, configuration: lines)
        let idle = try await connect(port: port, on: loop, configuration: lines)
        var busyHears = busy.inbound.makeAsyncIterator()
        var idleHears = idle.inbound.makeAsyncIterator()
        try await busy.write(ByteBuffer(string: "working"))
        #expect(try await nextLine(&busyHears) == "working")
        try await idle.write(ByteBuffer(string: "here"))
        #expect(try await nextLine(&idleHears) == "here")
        child.terminate()
        for var hears in [busyHears, idleHears] {
          #expect(try await nextLine(&hears) == "shutting down")
          #expect(try await nextLine(&hears) == nil)
        }
        #expect(try await child.wait() == 0)
        #expect(try await printedLines(child) == ["echo on 127.0.0.1:\(port)", "stopped"])
      }
    }
  }

  /// SIGTERM to a process running a ServiceGroup under load: every line sent before the signal is
  /// answered, the connections end, and the process exits 0 well within the grace period.
  @Test func serviceEchoAnswersEverythingSentBeforeSIGTERMAndExitsZero() async throws {
    let loop = loop
    try await within(seconds: 30) {
      let port = try await freeTCPPort(on: loop)
      try await withProgram("service-echo", ["\(port)"], on: loop) { child in
        var clients: [AsyncConnection] = []
        for _ in 0..<8 { clients.append(try await connect(port: port, on: loop, configuration: lines)) }
        // A first round answered, so every connection is being served.
        for (index, client) in clients.enumerated() {
          try await client.write(ByteBuffer(string: "warm \(index)"))
        }
        var hears = clients.map { $0.inbound.makeAsyncIterator() }
        for index in clients.indices { #expect(try await nextLine(&hears[index]) == "warm \(index)") }
        // Each client sends ten lines; the server answers one every 100 ms per connection, so
        // they are in flight when the signal comes.
        for (index, client) in clients.enumerated() {
          for line in 0..<10 { try await client.write(ByteBuffer(string: "\(index).\(line)")) }
        }
        try await Task.sleep(for: .milliseconds(50))
        let start = ContinuousClock.now
        child.terminate()
        for index in clients.indices {
          for line in 0..<10 { #expect(try await nextLine(&hears[index]) == "\(index).\(line)") }
          #expect(try await nextLine(&hears[index]) == nil)
        }
        #expect(try await child.wait() == 0)
        #expect(ContinuousClock.now - start < .seconds(5))
      }
    }
  }

  /// Makes the TLS tests' certificates with `Tests/Interop/make_tls_certs.sh` (the openssl
  /// command) in a new temporary directory, and returns the directory.
  private func makeCertificates(on loop: EventLoop) async throws -> String {
    var template = Array("/tmp/eddy-first-programs-XXXXXX".utf8CString)
    let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    let maker = try await loop.subprocessExec(
      argv: ["/bin/sh", repositoryRoot + "/Tests/Interop/make_tls_certs.sh", directory], stdin: .devNull,
      stdout: .inherit, stderr: .inherit)
    #expect(try await maker.wait() == 0)
    return directory
  }
}
