import EddyProtocols
import EddyReactor
import Testing

@testable import EddyTransports

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The pending-datagrams queue sent with real `sendmmsg` batches: over a Unix datagram socket
/// pair with a small send buffer, which pushes back after a few datagrams, and over UDP to two
/// destinations.
@Suite struct PendingDatagramsTests {
  #if canImport(Glibc)
    private static let datagram = Int32(SOCK_DGRAM.rawValue)
  #else
    private static let datagram = SOCK_DGRAM
  #endif

  private static func nonBlocking(_ fd: Int32) {
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
  }

  /// Every datagram waiting on `fd`, each whole.
  private static func receiveAll(_ fd: Int32) -> [[UInt8]] {
    var datagrams: [[UInt8]] = []
    var space = [UInt8](repeating: 0, count: 65_536)
    while true {
      let count = recv(fd, &space, space.count, 0)
      guard count >= 0 else { return datagrams }
      datagrams.append(Array(space[..<count]))
    }
  }

  private static func datagrams(_ count: Int) -> [[UInt8]] {
    (0..<count).map { index in
      [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 1 + index * 37 % 500)
    }
  }

  @Test func aBacklogLongerThanTheQueueAndTheBatchArrivesWholeAndInOrder() throws {
    var fds: [Int32] = [-1, -1]
    try #require(socketpair(AF_UNIX, Self.datagram, 0, &fds) == 0)
    defer { for fd in fds { close(fd) } }
    fds.forEach(Self.nonBlocking)
    // A small send buffer holds a few datagrams only.
    var size: Int32 = 4_096
    setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    let area = DatagramBatchArea()
    let sent = Self.datagrams(3 * DatagramBatchArea.batchSize + 5)
    var pending = PendingDatagrams()
    for datagram in sent { pending.append(ByteBuffer(bytes: datagram), to: nil) }
    #expect(pending.byteCount == sent.reduce(0) { $0 + $1.count })
    var received: [[UInt8]] = []
    var blocked = 0
    for _ in 0..<1_000 {
      let result = pending.flush(fd: fds[0], area: area)
      received += Self.receiveAll(fds[1])
      #expect(pending.byteCount == sent.dropFirst(received.count).reduce(0) { $0 + $1.count })
      if case .drained = result { break }
      guard case .wouldBlock = result else {
        Issue.record("unexpected \(result)")
        return
      }
      blocked += 1
    }
    #expect(pending.isEmpty)
    #expect(received == sent)
    // The send buffer holds fewer datagrams than were queued, so the kernel pushed back.
    #expect(blocked > 0)
  }

  @Test func aDatagramTooLargeIsRejectedAloneAndTheRestStaysQueued() throws {
    var fds: [Int32] = [-1, -1]
    try #require(socketpair(AF_UNIX, Self.datagram, 0, &fds) == 0)
    defer { for fd in fds { close(fd) } }
    fds.forEach(Self.nonBlocking)
    var size: Int32 = 4_096
    setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    let area = DatagramBatchArea()
    var pending = PendingDatagrams()
    pending.append("before", to: nil)
    pending.append(ByteBuffer(bytes: [UInt8](repeating: 1, count: 60_000)), to: nil)
    pending.append("after", to: nil)
    guard case .rejected(let error) = pending.flush(fd: fds[0], area: area) else {
      Issue.record("a datagram over the send buffer should be rejected")
      return
    }
    #expect(error == SystemError("sendmmsg", errno: EMSGSIZE))
    #expect(pending.byteCount == 5)
    guard case .drained = pending.flush(fd: fds[0], area: area) else {
      Issue.record("the datagram after the rejected one should be sent")
      return
    }
    #expect(Self.receiveAll(fds[1]) == [Array("before".utf8), Array("after".utf8)])
  }

  @Test func eachDatagramGoesToItsOwnDestination() throws {
    let sender = socket(AF_INET, Self.datagram, 0)
    let first = socket(AF_INET, Self.datagram, 0)
    let second = socket(AF_INET, Self.datagram, 0)
    defer { for fd in [sender, first, second] { close(fd) } }
    let addresses = try [first, second].map { fd in
      let loopback = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
      try #require(loopback.withSockAddr { bind(fd, $0, $1) } == 0)
      Self.nonBlocking(fd)
      var storage = sockaddr_storage()
      var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
      let bound = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
          getsockname(fd, pointer, &length) == 0 ? SocketAddress(pointer, length: length) : nil
        }
      }
      return try #require(bound)
    }
    var pending = PendingDatagrams()
    for index in 0..<6 {
      pending.append(ByteBuffer(string: "datagram \(index)"), to: addresses[index % 2])
    }
    guard case .drained = pending.flush(fd: sender, area: DatagramBatchArea()) else {
      Issue.record("six small datagrams should all be sent")
      return
    }
    // Loopback delivery is immediate, but leave the kernel a moment.
    var firstReceived: [[UInt8]] = []
    var secondReceived: [[UInt8]] = []
    for _ in 0..<200 where firstReceived.count + secondReceived.count < 6 {
      firstReceived += Self.receiveAll(first)
      secondReceived += Self.receiveAll(second)
      if firstReceived.count + secondReceived.count < 6 { usleep(1_000) }
    }
    #expect(firstReceived == [0, 2, 4].map { Array("datagram \($0)".utf8) })
    #expect(secondReceived == [1, 3, 5].map { Array("datagram \($0)".utf8) })
  }
}
