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

/// What one wait finds, waiting up to `timeout` nanoseconds (a second unless told).
private func wait(_ selector: Selector, timeout: UInt64 = 1_000_000_000) throws -> [Readiness] {
  let count = try selector.wait(timeoutNanoseconds: timeout)
  return (0..<count).map { selector.readiness(at: $0) }
}

/// The tokens one wait finds ready.
private func readyTokens(_ selector: Selector, timeout: UInt64 = 1_000_000_000) throws -> [UInt64] {
  try wait(selector, timeout: timeout).map(\.token)
}
