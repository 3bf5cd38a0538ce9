import CEddySystem
import EddyTestSupport
import Testing

@testable import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whether this kernel lets the process set up an io_uring.
private let kernelOffersIoUring = offeredBackends.contains(.ioUring)

/// A set-up that refuses as the kernel does when `kernel.io_uring_disabled` is set.
private let refusing = RingSetUp { _, _, _ in -EPERM }

@Suite struct BackendTests {
  @Test func aLoopRunsOnTheBackendItAskedFor() throws {
    #expect(try EventLoop(backend: .epoll).backend == .epoll)
    if kernelOffersIoUring {
      #expect(try EventLoop(backend: .ioUring).backend == .ioUring)
      #expect(try EventLoop(backend: .auto).backend == .ioUring)
    } else {
      #expect(throws: EventLoopBackendError.self) { try EventLoop(backend: .ioUring) }
      #expect(try EventLoop(backend: .auto).backend == .epoll)
    }
  }

  @Test func aRefusedIoUringIsAClearErrorAndAutoFallsBackToEpoll() throws {
    #expect(throws: EventLoopBackendError.ioUringUnavailable(errno: EPERM)) {
      try Selector(backend: .ioUring, ringSetUp: refusing)
    }
    let message = EventLoopBackendError.ioUringUnavailable(errno: EPERM).description
    #expect(message.hasPrefix("io_uring is not available: io_uring_setup: Operation not permitted"))
    #expect(message.contains("io_uring_disabled"))
    #expect(try Selector(backend: .auto, ringSetUp: refusing).backend == .epoll)
  }

  @Test func backendNamesAreTheToolsSpelling() {
    #expect(EventLoopBackend.allCases.map(\.description) == ["epoll", "io_uring", "auto"])
    #expect(EventLoopBackend(rawValue: "io_uring") == .ioUring)
    #expect(EventLoopBackend(rawValue: "uring") == nil)
  }

  @Test(arguments: offeredBackends)
  func aDescriptorLeftReadableIsReportedTurnAfterTurn(_ backend: EventLoopBackend) throws {
    try withPipe { readEnd, writeEnd in
      let selector = try Selector(backend: backend)
      defer { selector.close() }
      try selector.update(readEnd, token: 7, from: [], to: .read)
      #expect(try selector.wait(timeoutNanoseconds: 0) == 0)
      var byte: UInt8 = 1
      #expect(write(writeEnd, &byte, 1) == 1)
      for _ in 0..<3 {
        #expect(try readyTokens(selector) == [7])
      }
      #expect(read(readEnd, &byte, 1) == 1)
      #expect(try readyTokens(selector, timeout: 20_000_000) == [])
    }
  }

  @Test(arguments: offeredBackends)
  func interestChangesTakeEffectOnTheNextWait(_ backend: EventLoopBackend) throws {
    try withPipe { readEnd, writeEnd in
      let selector = try Selector(backend: backend)
      defer { selector.close() }
      try selector.update(writeEnd, token: 1, from: [], to: .write)
      let first = try wait(selector)
      #expect(first.map(\.token) == [1] && first.allSatisfy(\.writable))
      // No longer interested: the writable pipe is not reported.
      try selector.update(writeEnd, token: 1, from: .write, to: [])
      #expect(try readyTokens(selector, timeout: 20_000_000) == [])
      // Read interest on an empty pipe, then data: reported once it arrives.
      try selector.update(readEnd, token: 2, from: [], to: .read)
      #expect(try readyTokens(selector, timeout: 0) == [])
      try selector.update(readEnd, token: 2, from: .read, to: [.read, .write])
      var byte: UInt8 = 1
      #expect(write(writeEnd, &byte, 1) == 1)
      let second = try wait(selector)
      #expect(second.map(\.token) == [2] && second.allSatisfy(\.readable))
    }
  }

  @Test(arguments: offeredBackends)
  func aRemovedDescriptorIsNeverReportedAgain(_ backend: EventLoopBackend) throws {
    try withPipe { readEnd, writeEnd in
      let selector = try Selector(backend: backend)
      defer { selector.close() }
      var byte: UInt8 = 1
      #expect(write(writeEnd, &byte, 1) == 1)
      try selector.update(readEnd, token: 3, from: [], to: .read)
      #expect(try readyTokens(selector) == [3])
      // Removed while its next poll is queued or in flight: nothing more about it.
      try selector.update(readEnd, token: 3, from: .read, to: [])
      #expect(try readyTokens(selector, timeout: 20_000_000) == [])
      // Registered again under a new token: only the new token is reported.
      try selector.update(readEnd, token: 4, from: [], to: .read)
      #expect(try readyTokens(selector) == [4])
    }
  }

  @Test(arguments: offeredBackends)
  func aHungUpDescriptorIsReportedFailed(_ backend: EventLoopBackend) throws {
    try withPipe(closingReadEnd: false) { readEnd, writeEnd in
      let selector = try Selector(backend: backend)
      defer { selector.close() }
      try selector.update(writeEnd, token: 5, from: [], to: .read)
      #expect(try readyTokens(selector, timeout: 0) == [])
      close(readEnd)
      let found = try wait(selector)
      #expect(found.map(\.token) == [5] && found.allSatisfy(\.failed))
    }
  }

  /// On io_uring a listener with accept interest gets every connection's descriptor from the
  /// kernel, non-blocking and close-on-exec, and no readiness.
  @Test(.enabled(if: kernelOffersIoUring))
  func aMultishotAcceptHandsOverEveryConnection() throws {
    let (listener, port) = try loopbackListener()
    defer { close(listener) }
    let selector = try Selector(backend: .ioUring)
    defer { selector.close() }
    try selector.update(listener, token: 9, from: [], to: .accept)
    #expect(try selector.wait(timeoutNanoseconds: 0) == 0)
    let clients = (0..<3).map { _ in loopbackClient(port: port) }
    defer { for client in clients where client >= 0 { close(client) } }
    #expect(clients.allSatisfy { $0 >= 0 })
    var accepted: [Int32] = []
    defer { for fd in accepted { close(fd) } }
    for _ in 0..<20 where accepted.count < clients.count {
      for event in try wait(selector, timeout: 200_000_000) {
        #expect(event.token == 9 && !event.readable && !event.failed)
        guard case .accepted(let fd) = event.received else {
          Issue.record("not an accepted connection: \(event)")
          continue
        }
        accepted.append(fd)
      }
    }
    #expect(accepted.count == clients.count)
    for (index, fd) in accepted.enumerated() {
      #expect(fcntl(fd, F_GETFL) & O_NONBLOCK != 0)
      #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0)
      var byte = UInt8(index)
      #expect(write(fd, &byte, 1) == 1)
    }
    // Each accepted descriptor is one client's connection: every client gets one of the bytes.
    var bytes: [UInt8] = []
    for client in clients {
      var byte: UInt8 = 0xFF
      if recv(client, &byte, 1, 0) == 1 { bytes.append(byte) }
    }
    #expect(bytes.sorted() == (0..<UInt8(clients.count)).map { $0 })
  }

  /// Connections the kernel accepted for a registration that has since gone are closed, not
  /// leaked nor reported under the new registration. A selector that reaps one completion per
  /// wait leaves two of three accepts in the queue while the listener registers again.
  @Test(.enabled(if: kernelOffersIoUring))
  func connectionsAcceptedForARemovedRegistrationAreClosed() throws {
    let (listener, port) = try loopbackListener()
    defer { close(listener) }
    let selector = try Selector(backend: .ioUring, capacity: 1)
    defer { selector.close() }
    let (clients, kept) = try acceptOneOfThree(listener, port: port, selector)
    defer { for fd in clients + [kept] where fd >= 0 { close(fd) } }
    try selector.update(listener, token: 1, from: .accept, to: [])
    try selector.update(listener, token: 2, from: [], to: .accept)
    for _ in 0..<4 {
      for event in try wait(selector, timeout: 50_000_000) {
        Issue.record("reported after the registration went: \(event)")
      }
    }
    #expect(try endsAndBytes(clients, keptOpen: kept) == [nil, nil, 42])
  }

  /// Connections the kernel accepted that no wait reaped are closed when the ring is torn down.
  @Test(.enabled(if: kernelOffersIoUring))
  func connectionsAcceptedButNotReapedAreClosedWithTheRing() throws {
    let (listener, port) = try loopbackListener()
    defer { close(listener) }
    let selector = try Selector(backend: .ioUring, capacity: 1)
    let (clients, kept) = try acceptOneOfThree(listener, port: port, selector)
    defer { for fd in clients + [kept] where fd >= 0 { close(fd) } }
    selector.close()
    #expect(try endsAndBytes(clients, keptOpen: kept) == [nil, nil, 42])
  }

  /// The kernel interrupts every thread tied to a ring when the ring is torn down; the thread
  /// that created the loop must not be one of them, or its blocking calls fail with EINTR. It
  /// runs on a fresh thread, which no other test's ring has been entered from.
  @Test(.enabled(if: kernelOffersIoUring))
  func tearingDownARingDoesNotInterruptTheThreadThatCreatedIt() throws {
    let outcomes = Recorder<String>()
    let thread = try EventLoopGroup.startThread {
      var fds: [Int32] = [-1, -1]
      guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
        return outcomes.append("socketpair failed")
      }
      defer { for fd in fds { close(fd) } }
      var timeout = timeval(tv_sec: 1, tv_usec: 0)
      setsockopt(fds[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
      guard let group = try? EventLoopGroup(loops: 1, name: "teardown", backend: .ioUring) else {
        return outcomes.append("no io_uring group")
      }
      // The loop's thread enters the ring at once; the group is torn down while this thread
      // blocks in a receive nothing will ever satisfy.
      EventLoopGroup.detach {
        usleep(100_000)
        group.shutdown()
      }
      var byte: UInt8 = 0
      let received = recv(fds[0], &byte, 1, 0)
      let failure = errno
      outcomes.append(received == -1 ? String(cString: strerror(failure)) : "received \(received)")
    }
    pthread_join(thread, nil)
    #expect(outcomes.values == [String(cString: strerror(EAGAIN))])
  }
}

/// Runs `body` with a fresh pipe, closing both ends after it (the read end only when asked).
private func withPipe(
  closingReadEnd: Bool = true, _ body: (_ readEnd: Int32, _ writeEnd: Int32) throws -> Void
) throws {
  var fds: [Int32] = [0, 0]
  #expect(eddy_pipe(&fds) == 0)
  defer {
    if closingReadEnd { close(fds[0]) }
    close(fds[1])
  }
  try body(fds[0], fds[1])
}

/// A TCP socket listening on 127.0.0.1, and the port the kernel gave it.
private func loopbackListener() throws -> (fd: Int32, port: UInt16) {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
    }
  }
  guard fd >= 0, bound else {
    if fd >= 0 { close(fd) }
    throw SystemError("listen")
  }
  return (fd, UInt16(bigEndian: address.sin_port))
}

/// A blocking client connected to 127.0.0.1:`port` with a receive timeout of two seconds, or -1.
private func loopbackClient(port: UInt16) -> Int32 {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  guard fd >= 0 else { return -1 }
  var timeout = timeval(tv_sec: 2, tv_usec: 0)
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = port.bigEndian
  let connected = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
    }
  }
  guard connected else {
    close(fd)
    return -1
  }
  return fd
}

/// Registers `listener` for accepts under token 1, connects three clients and waits once: a
/// selector of capacity 1 reaps the first accept and leaves the others in the ring's queue.
/// Returns the clients and the descriptor accepted.
private func acceptOneOfThree(_ listener: Int32, port: UInt16, _ selector: Selector) throws -> (
  clients: [Int32], accepted: Int32
) {
  try selector.update(listener, token: 1, from: [], to: .accept)
  #expect(try selector.wait(timeoutNanoseconds: 0) == 0)
  let clients = (0..<3).map { _ in loopbackClient(port: port) }
  #expect(clients.allSatisfy { $0 >= 0 })
  var accepted: Int32 = -1
  for _ in 0..<20 where accepted < 0 {
    for event in try wait(selector, timeout: 100_000_000) {
      #expect(event.token == 1)
      if case .accepted(let fd) = event.received { accepted = fd }
    }
  }
  #expect(accepted >= 0)
  return (clients, accepted)
}

/// Writes 42 through `keptOpen`, then what each client reads, sorted: nil for the end of the
/// stream, else the byte (a client whose connection was leaked times out, which throws).
private func endsAndBytes(_ clients: [Int32], keptOpen: Int32) throws -> [UInt8?] {
  var byte: UInt8 = 42
  #expect(write(keptOpen, &byte, 1) == 1)
  return try clients.map { client -> UInt8? in
    var received: UInt8 = 0
    var result = recv(client, &received, 1, 0)
    // A ring torn down interrupts the threads that entered it: a blocking receive sees EINTR.
    for _ in 0..<5 where result < 0 && errno == EINTR { result = recv(client, &received, 1, 0) }
    switch result {
    case 0: return nil
    case 1: return received
    default: throw SystemError("recv")
    }
  }.sorted { ($0 ?? 0) < ($1 ?? 0) }
}

/// What one wait finds, waiting up to `timeout` nanoseconds (a second unless told).
private func wait(_ selector: Selector, timeout: UInt64 = 1_000_000_000) throws -> [Readiness] {
  let count = try selector.wait(timeoutNanoseconds: timeout)
  return (0..<count).map { selector.readiness(at: $0) }
}

/// The tokens one wait finds ready.
private func readyTokens(_ selector: Selector, timeout: UInt64 = 1_000_000_000) throws -> [UInt64] {
  try wait(selector, timeout: timeout).map(\.token)
}
