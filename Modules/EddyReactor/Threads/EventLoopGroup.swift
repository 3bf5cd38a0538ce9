import CEddySystem
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// N event loops, each running on a thread of its own, handed out round-robin.
public final class EventLoopGroup: Sendable {
  /// The loops, in thread order.
  public let loops: [EventLoop]
  private let threads: Locked<[pthread_t]>
  private let cursor = Atomic<Int>(0)

  /// Starts `loops` loops on `backend` (nil: ``EventLoopBackend/default``), on threads named
  /// `NAME-0`, `NAME-1`, …. Throws as ``EventLoop/init(name:backend:)`` does.
  public init(loops count: Int, name: String = "eddy", backend: EventLoopBackend? = nil) throws {
    precondition(count > 0, "a group needs at least one loop")
    var loops: [EventLoop] = []
    for index in 0..<count { loops.append(try EventLoop(name: "\(name)-\(index)", backend: backend)) }
    self.loops = loops
    var threads: [pthread_t] = []
    for loop in loops {
      threads.append(try Self.startThread(for: loop))
    }
    self.threads = Locked(threads)
  }

  /// The next loop, round-robin.
  public func next() -> EventLoop {
    loops[cursor.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count]
  }

  /// Stops every loop, waits for its thread to end and closes it (aborting whatever is still
  /// open on it). Blocks; call it from outside the group's threads. Idempotent.
  public func shutdown() {
    let joined = threads.withLock { threads -> [pthread_t] in
      defer { threads.removeAll() }
      return threads
    }
    guard !joined.isEmpty else { return }
    for loop in loops {
      precondition(!loop.isInLoopThread, "shutdown() from one of the group's own threads would deadlock")
      loop.stop()
    }
    for thread in joined { pthread_join(thread, nil) }
    for loop in loops { loop.close() }
  }

  /// ``shutdown()`` without blocking the awaiting task's thread.
  public func shutdownGracefully() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      Self.detach { [self] in
        shutdown()
        continuation.resume()
      }
    }
  }

  deinit { shutdown() }

  private static func startThread(for loop: EventLoop) throws(SystemError) -> pthread_t {
    try startThread {
      eddy_set_thread_name(loop.name)
      loop.run()
    }
  }

  /// Starts a new thread running `body`; the caller joins or detaches it.
  package static func startThread(_ body: @escaping @Sendable () -> Void) throws(SystemError) -> pthread_t {
    let box = Unmanaged.passRetained(ThreadBody(body))
    var thread = pthread_t()
    let status = pthread_create(
      &thread, nil,
      { argument in
        Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue().run()
        return nil
      }, box.toOpaque())
    guard status == 0 else {
      box.release()
      throw SystemError("pthread_create", errno: status)
    }
    return thread
  }

  /// Runs `body` on a new detached thread (on the calling one when no thread can be started).
  package static func detach(_ body: @escaping @Sendable () -> Void) {
    do {
      pthread_detach(try startThread(body))
    } catch {
      body()
    }
  }
}

/// A closure carried into a new thread.
final class ThreadBody: Sendable {
  let run: @Sendable () -> Void
  init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}
