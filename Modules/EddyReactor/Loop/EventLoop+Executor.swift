/// An event loop runs Swift concurrency jobs on its thread, in two roles.
///
/// As a `TaskExecutor` it runs the non-isolated code of a task given `Task(executorPreference:
/// loop)` or `withTaskExecutorPreference(loop)`: the task's code runs on the loop's thread and
/// may call transports directly. (`AsyncServer.serve` runs every handler this way.)
///
/// As an actor's serial executor, through ``asUnownedSerialExecutor()``, it runs the actor's
/// code on the loop's thread, with no hop:
///
/// ```swift
/// actor Session {
///   let loop: EventLoop
///   nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
/// }
/// ```
///
/// A job enqueued from the loop's own thread waits in the loop's queue of ready callbacks, in
/// order with them, and costs no allocation; one enqueued from another thread is handed over as
/// ``execute(_:)`` work is. Jobs enqueued on a closed loop never run.
extension EventLoop: TaskExecutor {
  /// Runs the job of a task that prefers this loop on the loop's thread, after the work already
  /// queued.
  public func enqueue(_ job: consuming ExecutorJob) {
    schedule(.task(UnownedJob(job)))
  }

  /// The loop as the serial executor of actors whose code should run on its thread.
  public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
    serialExecutor.asUnownedSerialExecutor()
  }

  /// Queues `job` behind the work already scheduled.
  func schedule(_ job: LoopJob) {
    if isInLoopThread {
      ready.append(.job(job))
    } else {
      _ = handOver(.job(job))
    }
  }

  /// Runs `job` here, on the loop's thread, in the role it was enqueued for.
  func run(_ job: LoopJob) {
    switch job {
    case .task(let job):
      job.runSynchronously(on: asUnownedTaskExecutor())
    case .actor(let job):
      job.runSynchronously(
        isolatedTo: serialExecutor.asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
    }
  }
}

/// The serial-executor role of an ``EventLoop``, a separate object from the loop's task-executor
/// role: the runtime enqueues both kinds of job through a method of the same name, and each kind
/// must run with its own isolation (an actor's job isolated to the loop, a task's job on the
/// loop as its preferred executor with no actor isolation), or it would hop again.
final class EventLoopSerialExecutor: SerialExecutor {
  unowned let loop: EventLoop

  init(loop: EventLoop) { self.loop = loop }

  /// Runs an actor's job on the loop's thread, after the work already queued.
  func enqueue(_ job: consuming ExecutorJob) {
    loop.schedule(.actor(UnownedJob(job)))
  }

  /// Traps unless called on the loop's thread, so `assumeIsolated` works for actors on it.
  func checkIsolated() {
    precondition(loop.isInLoopThread, "not on the event loop's thread")
  }
}
