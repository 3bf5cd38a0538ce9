import CEddySystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The kernel's readiness queue: epoll on Linux, kqueue on Darwin (``EventLoopBackend/epoll``).
/// Level-triggered, so a descriptor reported ready and not fully drained is reported again.
final class ReadinessQueue {
  private let fd: Int32
  private var isClosed = false
  private let capacity: Int
  #if os(Linux)
    private let events: UnsafeMutablePointer<epoll_event>
  #else
    private let events: UnsafeMutablePointer<kevent>
  #endif

  init(capacity: Int) throws(SystemError) {
    self.capacity = capacity
    #if os(Linux)
      let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
      guard fd >= 0 else { throw SystemError("epoll_create1") }
      self.events = .allocate(capacity: capacity)
    #else
      let fd = kqueue()
      guard fd >= 0 else { throw SystemError("kqueue") }
      self.events = .allocate(capacity: capacity)
    #endif
    self.fd = fd
  }

  /// Closes the kernel object. Idempotent.
  func close() {
    guard !isClosed else { return }
    isClosed = true
    _ = systemClose(fd)
  }

  deinit {
    close()
    events.deallocate()
  }

  /// Changes the interest of `descriptor` from `old` to `new`; an empty set removes it.
  func update(_ descriptor: Int32, token: UInt64, from old: Interest, to new: Interest)
    throws(SystemError)
  {
    guard old != new else { return }
    #if os(Linux)
      var event = epoll_event()
      event.events =
        (new.contains(.read) ? EPOLLIN.rawValue : 0) | (new.contains(.write) ? EPOLLOUT.rawValue : 0)
      event.data.u64 = token
      let operation = new.isEmpty ? EPOLL_CTL_DEL : old.isEmpty ? EPOLL_CTL_ADD : EPOLL_CTL_MOD
      guard epoll_ctl(fd, operation, descriptor, &event) == 0 else { throw SystemError("epoll_ctl") }
    #else
      var changes: [kevent] = []
      for (filter, side) in [(Int16(EVFILT_READ), Interest.read), (Int16(EVFILT_WRITE), Interest.write)] {
        guard old.contains(side) != new.contains(side) else { continue }
        let flags = UInt16(new.contains(side) ? EV_ADD : EV_DELETE)
        changes.append(
          kevent(
            ident: UInt(descriptor), filter: filter, flags: flags, fflags: 0, data: 0,
            udata: UnsafeMutableRawPointer(bitPattern: UInt(token))))
      }
      guard kevent(fd, changes, Int32(changes.count), nil, 0, nil) >= 0 else { throw SystemError("kevent") }
    #endif
  }

  /// Waits up to `timeoutNanoseconds` (nil: forever); returns how many descriptors are ready (0
  /// after a timeout or a signal), whose readiness ``readiness(at:)`` gives until the next wait.
  func wait(timeoutNanoseconds: UInt64?) throws(SystemError) -> Int {
    #if os(Linux)
      let timeout: Int32 = timeoutNanoseconds.map { Int32(clamping: ($0 + 999_999) / 1_000_000) } ?? -1
      let count = epoll_wait(fd, events, Int32(capacity), timeout)
      if count < 0 {
        if currentErrno() == EINTR { return 0 }
        throw SystemError("epoll_wait")
      }
      return Int(count)
    #else
      var spec = timespec(
        tv_sec: Int((timeoutNanoseconds ?? 0) / 1_000_000_000),
        tv_nsec: Int((timeoutNanoseconds ?? 0) % 1_000_000_000))
      let count =
        timeoutNanoseconds == nil
        ? kevent(fd, nil, 0, events, Int32(capacity), nil)
        : kevent(fd, nil, 0, events, Int32(capacity), &spec)
      if count < 0 {
        if currentErrno() == EINTR { return 0 }
        throw SystemError("kevent")
      }
      return Int(count)
    #endif
  }

  /// The readiness of the `index`th descriptor the last ``wait(timeoutNanoseconds:)`` found ready.
  @inline(__always)
  func readiness(at index: Int) -> Readiness {
    let event = events[index]
    #if os(Linux)
      let bits = event.events
      return Readiness(
        token: event.data.u64,
        readable: bits & EPOLLIN.rawValue != 0,
        writable: bits & EPOLLOUT.rawValue != 0,
        failed: bits & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0)
    #else
      return Readiness(
        token: UInt64(UInt(bitPattern: event.udata)),
        readable: event.filter == Int16(EVFILT_READ),
        writable: event.filter == Int16(EVFILT_WRITE),
        failed: event.flags & UInt16(EV_ERROR) != 0)
    #endif
  }
}
