/// The loop's source of readiness, on the backend the loop was created with: a
/// ``ReadinessQueue`` (epoll, kqueue) or a ``PollRing`` (io_uring).
package final class Selector {
  /// The backend in use: ``EventLoopBackend/epoll`` or ``EventLoopBackend/ioUring``, never
  /// ``EventLoopBackend/auto``.
  package let backend: EventLoopBackend
  private let kernel: Kernel

  private enum Kernel {
    case readinessQueue(ReadinessQueue)
    case pollRing(PollRing)
  }

  /// Creates the selector for `backend`, resolving ``EventLoopBackend/auto``; `ringSetUp`
  /// stands in for the kernel's io_uring in tests.
  package init(backend: EventLoopBackend, capacity: Int = 256, ringSetUp: RingSetUp = .kernel) throws {
    switch backend {
    case .epoll:
      kernel = .readinessQueue(try ReadinessQueue(capacity: capacity))
      self.backend = .epoll
    case .ioUring:
      kernel = .pollRing(try PollRing(capacity: capacity, setUp: ringSetUp))
      self.backend = .ioUring
    case .auto:
      do {
        kernel = .pollRing(try PollRing(capacity: capacity, setUp: ringSetUp))
        self.backend = .ioUring
      } catch {
        kernel = .readinessQueue(try ReadinessQueue(capacity: capacity))
        self.backend = .epoll
      }
    }
  }

  /// True when sockets may ask for ``Interest/receive``: the kernel receives into the loop's
  /// buffers (io_uring with provided-buffer rings).
  package var completesReceives: Bool {
    switch kernel {
    case .readinessQueue: false
    case .pollRing(let ring): ring.completesReceives
    }
  }

  /// Releases the kernel object. Idempotent.
  package func close() {
    switch kernel {
    case .readinessQueue(let queue): queue.close()
    case .pollRing(let ring): ring.close()
    }
  }

  /// Changes the interest of `descriptor` from `old` to `new`; an empty set removes it.
  @inline(__always)
  package func update(_ descriptor: Int32, token: UInt64, from old: Interest, to new: Interest)
    throws(SystemError)
  {
    switch kernel {
    case .readinessQueue(let queue): try queue.update(descriptor, token: token, from: old, to: new)
    case .pollRing(let ring): try ring.update(descriptor, token: token, from: old, to: new)
    }
  }

  /// Waits up to `timeoutNanoseconds` (nil: forever); returns how many descriptors are ready (0
  /// after a timeout or a signal), whose readiness ``readiness(at:)`` gives until the next wait.
  @inline(__always)
  package func wait(timeoutNanoseconds: UInt64?) throws(SystemError) -> Int {
    switch kernel {
    case .readinessQueue(let queue): try queue.wait(timeoutNanoseconds: timeoutNanoseconds)
    case .pollRing(let ring): try ring.wait(timeoutNanoseconds: timeoutNanoseconds)
    }
  }

  /// The readiness of the `index`th descriptor the last ``wait(timeoutNanoseconds:)`` found ready.
  @inline(__always)
  package func readiness(at index: Int) -> Readiness {
    switch kernel {
    case .readinessQueue(let queue): queue.readiness(at: index)
    case .pollRing(let ring): ring.readiness(at: index)
    }
  }
}
